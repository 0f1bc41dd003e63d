import { expect, test } from 'vitest';
import { blobPath } from '../../../src/local-registry/storage.js';

test("a blob's file under distribution's storage root", () => {
  const hex = 'ab'.repeat(32);
  expect(blobPath('/run/registry/data', `sha256:${hex}`)).toBe(
    `/run/registry/data/docker/registry/v2/blobs/sha256/ab/${hex}/data`,
  );
});

test.each([
  [1, 'sha512:ab'],
  [2, 'sha256:../../etc'],
  [3, 'sha256:AB' + 'ab'.repeat(31)],
])('%i: %s is refused, never a path outside the root', (_n, digest) => {
  expect(() => blobPath('/r', digest)).toThrow(/not a sha256 digest/);
});
