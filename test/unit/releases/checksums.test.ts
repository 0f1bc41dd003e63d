import { expect, test } from 'vitest';
import { checksumFor, parseChecksums } from '../../../src/releases/checksums.js';

const A = 'a'.repeat(64);
const B = 'B'.repeat(64);

test.each([
  // buildx checksums.txt: binary-mode lines
  [
    1,
    `${A} *buildx-v0.13.1.linux-amd64\n${'b'.repeat(64)} *buildx-v0.13.1.linux-arm64\n`,
    'buildx-v0.13.1.linux-amd64',
    A,
  ],
  [
    2,
    `${A} *buildx-v0.13.1.linux-amd64\n${'b'.repeat(64)} *buildx-v0.13.1.linux-arm64\n`,
    'buildx-v0.13.1.linux-arm64',
    'b'.repeat(64),
  ],
  // sha256sum text mode, CRLF, upper-case hash
  [3, `${B}  registry_2.8.3_linux_amd64.tar.gz\r\n`, 'registry_2.8.3_linux_amd64.tar.gz', 'b'.repeat(64)],
  // a sidecar holding only the hash
  [4, `${A}\n`, 'registry_2.8.3_linux_amd64.tar.gz', A],
  // ./ prefixes as some release scripts write them
  [5, `${A}  ./registry_2.8.3_linux_amd64.tar.gz\n`, 'registry_2.8.3_linux_amd64.tar.gz', A],
  // the asset is not listed: no answer, never another asset's hash
  [6, `${A} *buildx-v0.13.1.linux-arm64\n`, 'buildx-v0.13.1.linux-amd64', undefined],
  // short hashes and junk are not checksums
  [7, `${'a'.repeat(63)} *x\nnot a checksum\n`, 'x', undefined],
  [8, '', 'x', undefined],
])('%i: checksum of %j for %s', (_n, text, file, expected) => {
  expect(checksumFor(text, file)).toBe(expected);
});

test('parses every line, keyed by file', () => {
  expect([...parseChecksums(`${A} *one\n\n${A}  two words\n`).keys()]).toEqual(['one', 'two words']);
});
