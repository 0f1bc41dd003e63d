import { expect, test } from 'vitest';
import { parseKernelVersion, supportsFixBinary } from '../../../src/qemu/kernel.js';

test.each([
  [1, '6.18.44-fc-v769', { major: 6, minor: 18, patch: 44 }, true],
  [2, '6.8.0-1017-azure', { major: 6, minor: 8, patch: 0 }, true],
  [3, '4.8.0', { major: 4, minor: 8, patch: 0 }, true],
  [4, '4.7.10-generic', { major: 4, minor: 7, patch: 10 }, false],
  [5, '4.4.0-210-generic', { major: 4, minor: 4, patch: 0 }, false],
  [6, '2.6.78-fc-v769', { major: 2, minor: 6, patch: 78 }, false], // setarch --uname-2.6
  [7, '3.10', { major: 3, minor: 10, patch: 0 }, false],
  [8, 'not-a-version', undefined, true],
])('%i: %s -> %j, F flag %s', (_n, release, version, fix) => {
  const parsed = parseKernelVersion(release);
  expect(parsed).toEqual(version);
  expect(supportsFixBinary(parsed)).toBe(fix);
});
