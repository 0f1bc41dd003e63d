import { describe, expect, test } from 'vitest';
import { checkDigest, isDigest } from '../../../src/oci/digest.js';

const hex64 = 'a'.repeat(64);
describe('digests', () => {
  test.each([
    [1, `sha256:${hex64}`, true],
    [2, `sha512:${'b'.repeat(128)}`, true],
    [3, `sha256:${hex64.slice(1)}`, false],
    [4, `sha256:${hex64.toUpperCase()}`, false],
    [5, `sha256:../../v2/other/manifests/latest`, false],
    [6, `sha256:${hex64}/../x`, false],
    [7, `sha512:${hex64}`, false],
    [8, `md5:${'a'.repeat(32)}`, false],
    [9, 42, false],
    [10, undefined, false],
  ])('%i: isDigest(%j) is %s', (_n, value, ok) => {
    expect(isDigest(value)).toBe(ok);
  });

  test('checkDigest names where the bad value came from, escaped', () => {
    expect(() => checkDigest('sha256:x\n::add-mask::y', 'A blob of acme/app')).toThrow(
      "A blob of acme/app holds the digest 'sha256:x\\n::add-mask::y', which is not sha256:<64 hex digits>",
    );
    expect(checkDigest(`sha256:${hex64}`, 'x')).toBe(`sha256:${hex64}`);
  });
});
