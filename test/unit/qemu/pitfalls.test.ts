import { expect, test } from 'vitest';
import { explainBuildFailure, parseQemuVersion, pitfallsFor } from '../../../src/qemu/pitfalls.js';

test.each([
  [1, 'qemu-aarch64 version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright', '7.2.22'], // recorded here
  [2, 'binfmt/14ebeca qemu/v9.2.0 go/1.23.5', '9.2.0'], // tonistiigi/binfmt --version
  [3, 'qemu-x86_64 version 8.1.5\n', '8.1.5'],
  [4, 'nothing', undefined],
])('%i: QEMU version of %j is %s', (_n, text, version) => {
  expect(parseQemuVersion(text)).toBe(version);
});

test.each([
  [1, '7.0.0', false, /older than 8\.1 built without PIE/],
  [2, '7.0.0', undefined, /older than 8\.1 built without PIE/],
  [3, '7.2.22', true, undefined],
  [4, '8.1.5', undefined, undefined],
  [5, '9.2.0', undefined, /ldconfig segfaults/],
  [6, '9.2.2', undefined, undefined],
  [7, '10.1.3', undefined, /tonistiigi\/binfmt#298/],
  [8, '10.2.3', undefined, undefined],
])('%i: QEMU %s (PIE %s) warns %s', (_n, version, pie, warning) => {
  const found = pitfallsFor(version, pie);
  if (warning) expect(found.join('\n')).toMatch(warning);
  else expect(found).toEqual([]);
});

const emulated = {
  platform: 'linux/s390x',
  how: 'emulated' as const,
  interpreter: '/usr/bin/qemu-s390x-static',
};

test.each([
  [
    1,
    'exec /bin/sh: exec format error',
    { ...emulated, flags: '', copyLine: 'COPY x y' },
    /without the F flag.*add 'COPY x y'/,
  ],
  [2, 'exec /bin/busybox: no such file or directory', { ...emulated, flags: '' }, /without the F flag/],
  [
    3,
    'qemu: uncaught target signal 11 (Segmentation fault)',
    { ...emulated, flags: 'F', qemuVersion: '9.2.0' },
    /crashed under QEMU 9\.2\.0/,
  ],
  [
    4,
    'exec format error',
    { platform: 'linux/arm64', how: 'failed' as const, flags: '', interpreter: '' },
    /QEMU is not registered/,
  ],
  [5, 'COPY failed: file not found', { ...emulated, flags: 'F' }, undefined],
  [6, 'no such file or directory', { ...emulated, flags: 'F' }, undefined],
])('%i: build failure %j under %j is explained as %s', (_n, tail, emu, hint) => {
  const found = explainBuildFailure(tail, emu);
  if (hint) expect(found).toMatch(hint);
  else expect(found).toBeUndefined();
});
