// Our ustar writer, read back by GNU tar: names, sizes and bytes survive.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, test } from 'vitest';
import { tarHeader, tarPadding } from '../../../src/oci/tar.js';
import { SAMPLE_FILES, sampleTar } from '../../helpers/sample-tar.js';

test('GNU tar lists and extracts what the writer wrote', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tar-'));
  const archive = path.join(dir, 'a.tar');
  writeFileSync(archive, sampleTar());
  const listing = execFileSync('tar', ['-tvf', archive], { encoding: 'utf8' });
  expect(listing).toMatch(/^drwxr-xr-x 0\/0\s+0 1970-01-01 00:00 blobs\//m);
  expect(listing).toMatch(
    new RegExp(`^-rw-r--r-- 0/0\\s+1500 1970-01-01 00:00 blobs/sha256/${'a'.repeat(64)}$`, 'm'),
  );
  execFileSync('tar', ['-xf', archive, '-C', dir]);
  for (const [name, bytes] of SAMPLE_FILES) expect(readFileSync(path.join(dir, name))).toEqual(bytes);
});

test.each([
  [1, 0, 0],
  [2, 1, 511],
  [3, 512, 0],
  [4, 513, 511],
])('%i: padding for %i bytes is %i', (_n, size, pad) => {
  expect(tarPadding(size).length).toBe(pad);
});

test('refuses names that do not fit a ustar header', () => {
  expect(() => tarHeader('x'.repeat(101), 1)).toThrow(/longer than 100 bytes/);
});
