// The tar index against crafted archives (issue 24): each is parsed in a
// worker with a deadline, so an archive that makes the parser loop fails the
// test instead of hanging it. Malformed sizes, a looping pax size, and a
// property-based fuzz of small valid archives with bytes and records changed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { paxRecord, paxTar, resealHeader, sampleTar } from '../../helpers/sample-tar.js';
import { startTarIndexRunner, type TarIndexRunner } from '../../helpers/tar-index-runner.js';
import { TAR_END, tarHeader } from '../../../src/oci/tar.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'tar-hostile-'));
let runner: TarIndexRunner;
beforeAll(() => {
  runner = startTarIndexRunner();
});
afterAll(async () => {
  await runner.stop();
  rmSync(scratch, { recursive: true, force: true });
});

let files = 0;
function write(bytes: Buffer): string {
  const file = path.join(scratch, `${files++}.tar`);
  writeFileSync(file, bytes);
  return file;
}

const data = Buffer.alloc(512, 1);
const withPaxSize = (size: string) => paxTar(paxRecord('size', size), 'f', data);

/** The file entry's size field set to GNU base-256 bytes. */
function base256Size(bytes: number[]): Buffer {
  const h = tarHeader('f', 0);
  Buffer.from(bytes).copy(h, 124);
  return Buffer.concat([resealHeader(h), data, TAR_END]);
}

test.each([
  [
    1,
    'pax size -512',
    withPaxSize('-512'),
    /pax header 'PaxHeaders\/f' gives size '-512', not a non-negative/,
  ],
  [2, 'pax size -1536 (loops back to 0)', withPaxSize('-1536'), /gives size '-1536'/],
  [3, 'pax size NaN', withPaxSize('NaN'), /gives size 'NaN'/],
  [4, 'pax size 1e3', withPaxSize('1e3'), /gives size '1e3'/],
  [5, 'pax size 1.5', withPaxSize('1.5'), /gives size '1\.5'/],
  [6, 'pax size 0x10', withPaxSize('0x10'), /gives size '0x10'/],
  [7, 'pax size empty', withPaxSize(''), /gives size ''/],
  [8, 'pax size 2^53+1', withPaxSize('9007199254740993'), /gives size '9007199254740993'/],
  [9, 'pax size past the end', withPaxSize('99999999999'), /ends inside entry 'f' \(99999999999 bytes/],
  [
    10,
    'base-256 negative size',
    base256Size([0xff, 0xff, 0xff, 0xfe]),
    /size field of entry 'f' is a negative base-256/,
  ],
  [
    11,
    'base-256 size over 2^53',
    base256Size([0x80, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0, 0]),
    /size field of entry 'f' is too large/,
  ],
  [12, 'truncated in the data', withPaxSize('512').subarray(0, 1800), /ends inside entry 'f'/],
  [13, 'truncated before the end blocks', sampleTar().subarray(0, 4096), /without the end-of-archive blocks/],
])('%i: %s is a TarFormatError naming the entry and value', async (_n, _what, bytes, message) => {
  const result = await runner.index(write(bytes), 1000);
  expect(result).toMatchObject({ ok: false, error: 'TarFormatError' });
  expect(result.ok ? '' : result.message).toMatch(message);
});

test('the looping archive of issue 24 (a negative pax size) fails in under a second', async () => {
  const looping = withPaxSize('-1536');
  expect(looping.length).toBeLessThan(4096);
  const started = performance.now();
  const result = await runner.index(write(looping), 1000);
  expect(performance.now() - started).toBeLessThan(1000);
  expect(result).toMatchObject({ ok: false, error: 'TarFormatError' });
});

/** Small valid archives: our writer's, and pax ones with a size record. */
const archives = fc.oneof(
  fc.constant(sampleTar()),
  fc.nat({ max: 2048 }).map((n) => paxTar(paxRecord('size', String(n)), 'f', Buffer.alloc(n, 2))),
);
/** A pax size record as an attacker would write it. */
const hostileSize = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
  fc.double().map(String),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.string({ maxLength: 12 }),
);
const change = fc.oneof(
  fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), reseal: fc.boolean() }),
  fc.record({ cut: fc.nat() }),
  fc.record({ size: hostileSize }),
);
type Change = { at: number; byte: number; reseal: boolean } | { cut: number } | { size: string };

function mutate(tar: Buffer, changes: Change[]): Buffer {
  let out: Buffer = Buffer.from(tar);
  for (const c of changes) {
    if ('size' in c) out = paxTar(paxRecord('size', c.size), 'f', Buffer.alloc(600, 3));
    else if ('cut' in c) out = out.subarray(0, c.cut % (out.length + 1));
    else if (out.length > 0) {
      const at = c.at % out.length;
      out[at] = c.byte;
      const block = at - (at % 512);
      // Resealed, a changed header passes its checksum and reaches the size and type checks.
      if (c.reseal && block + 512 <= out.length)
        resealHeader(out.subarray(block, block + 512)).copy(out, block);
    }
  }
  return out;
}

test('fuzz: a changed archive is indexed or refused with a TarFormatError, each within a second', async () => {
  await fc.assert(
    fc.asyncProperty(archives, fc.array(change, { minLength: 1, maxLength: 4 }), async (tar, changes) => {
      const started = performance.now();
      const result = await runner.index(write(mutate(tar, changes)), 1000);
      expect(performance.now() - started).toBeLessThan(1000);
      if (!result.ok) expect(result.error).toBe('TarFormatError');
    }),
    { numRuns: 300 },
  );
}, 60_000);
