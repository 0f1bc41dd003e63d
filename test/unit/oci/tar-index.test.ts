// The tar index against archives real tools wrote: skopeo's oci-archive, and
// GNU tar in each of its formats (./ prefixes, ustar prefixes, pax and GNU long
// names, hard links), our own writer; and the ways a file is not a tar.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import {
  normalizeTarName,
  parseNumber,
  parsePaxRecords,
  readTarIndex,
  TarFormatError,
  type TarEntry,
} from '../../../src/oci/tar-index.js';
import { SAMPLE_FILES, sampleTar } from '../../helpers/sample-tar.js';
import { ROOT } from '../../../support/action-runner.js';

const FIXTURES = path.join(ROOT, 'test/fixtures/oci-layouts');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'tar-index-'));
afterAll(() => execFileSync('rm', ['-rf', scratch]));

function bytesAt(file: string, entry: TarEntry | undefined): Buffer {
  if (!entry) throw new Error('no such entry');
  return readFileSync(file).subarray(entry.offset, entry.offset + entry.size);
}

/** Every file under dir, relative, with its bytes. */
function filesOf(dir: string, prefix = ''): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(path.join(dir, prefix))) {
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(path.join(dir, rel)).isDirectory()) filesOf(dir, rel).forEach((v, k) => out.set(k, v));
    else out.set(rel, readFileSync(path.join(dir, rel)));
  }
  return out;
}

test("skopeo's oci-archive: every blob found, its bytes hash to its name", () => {
  const file = path.join(FIXTURES, 'skopeo-all.tar');
  const index = readTarIndex(file);
  const names = [...index.keys()];
  expect(names).toContain('oci-layout');
  expect(names).toContain('index.json');
  expect(names.some((n) => n.startsWith('blobs/') && !n.startsWith('blobs/sha256/'))).toBe(false);
  const blobs = names.filter((n) => n.startsWith('blobs/sha256/'));
  expect(blobs.length).toBeGreaterThan(5);
  for (const name of blobs) {
    const hex = createHash('sha256')
      .update(bytesAt(file, index.get(name)))
      .digest('hex');
    expect(`blobs/sha256/${hex}`).toBe(name);
  }
  expect(JSON.parse(bytesAt(file, index.get('oci-layout')).toString())).toEqual({
    imageLayoutVersion: '1.0.0',
  });
});

// A layout with a hard link and a 150-byte name next to it: each format stores them its own way.
const tree = path.join(scratch, 'tree');
cpSync(path.join(FIXTURES, 'two-refs'), tree, { recursive: true });
const longDir = path.join(tree, 'deep', 'd'.repeat(60));
mkdirSync(longDir, { recursive: true });
writeFileSync(path.join(longDir, 'f'.repeat(80)), 'long name\n');
linkSync(path.join(tree, 'index.json'), path.join(tree, 'index-link.json'));
const expected = filesOf(tree);

test.each([
  [1, 'gnu', 'GNU long names (L), ./ prefixes'],
  [2, 'ustar', 'the ustar prefix field'],
  [3, 'pax', 'pax path records (x)'],
  [4, 'oldgnu', 'old GNU headers'],
])('%i: GNU tar --format=%s (%s): every file, by name, at the right bytes', (_n, format) => {
  const file = path.join(scratch, `${format}.tar`);
  execFileSync('tar', [`--format=${format}`, '-cf', file, '-C', tree, '.']);
  const index = readTarIndex(file);
  expect([...index.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [name, bytes] of expected)
    expect({ name, bytes: bytesAt(file, index.get(name)) }).toEqual({ name, bytes });
  expect(index.get('index-link.json')).toEqual(index.get('index.json'));
});

test('our writer: names, sizes and bytes, empty entries and directories', () => {
  const file = path.join(scratch, 'ours.tar');
  writeFileSync(file, sampleTar());
  const index = readTarIndex(file);
  expect([...index.keys()]).toEqual(SAMPLE_FILES.map(([n]) => n));
  for (const [name, bytes] of SAMPLE_FILES) expect(bytesAt(file, index.get(name))).toEqual(bytes);
});

const skopeoTar = readFileSync(path.join(FIXTURES, 'skopeo-all.tar'));
/** The header of the first blob: the archive up to there holds only directories. */
const firstFile = skopeoTar.toString('latin1').search(/blobs\/sha256\/[0-9a-f]{64}/);
test.each([
  [1, 'empty', Buffer.alloc(0), /shorter than one tar header/],
  [2, 'text', Buffer.from('{"not":"a tar"}\n'.repeat(64)), /not octal|checksum does not match/],
  [3, 'one header', skopeoTar.subarray(0, 512), /without the end-of-archive blocks/],
  [4, 'cut in a blob', skopeoTar.subarray(0, firstFile + 512 + 10), /ends inside entry 'blobs\/sha256\//],
  [5, 'no end blocks', skopeoTar.subarray(0, firstFile), /without the end-of-archive blocks/],
])('%i: %s is refused with a reason', (_n, name, bytes, reason) => {
  const file = path.join(scratch, `bad-${name}.tar`);
  writeFileSync(file, bytes);
  expect(() => readTarIndex(file)).toThrow(TarFormatError);
  expect(() => readTarIndex(file)).toThrow(reason);
});

test.each([
  [1, Buffer.from('00000001750\0'), 1000],
  [2, Buffer.from('1750 \0      '), 1000],
  [3, Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0]), 2 ** 33],
  [4, Buffer.from('\0'.repeat(12)), 0],
])('%i: number field %j is %i', (_n, bytes, value) => {
  expect(parseNumber(bytes)).toBe(value);
});

test('pax records: path and size, values with spaces and =', () => {
  const record = (kv: string) => {
    let len = kv.length + 3;
    while (`${len} ${kv}\n`.length !== len) len = `${len} ${kv}\n`.length;
    return `${len} ${kv}\n`;
  };
  const data = Buffer.from(record('path=a b/c=d') + record('size=12345678901') + record('mtime=1.5'));
  expect(parsePaxRecords(data)).toEqual({ path: 'a b/c=d', size: '12345678901', mtime: '1.5' });
});

test.each([
  [1, './blobs/sha256/ab', 'blobs/sha256/ab'],
  [2, '/blobs//sha256/ab', 'blobs/sha256/ab'],
  [3, 'blobs/', 'blobs'],
  [4, './', ''],
  [5, 'index.json', 'index.json'],
])('%i: entry name %s is %s', (_n, name, normal) => {
  expect(normalizeTarName(name)).toBe(normal);
});
