import { expect, test } from 'vitest';
import { registerFailureHint, type Registration } from '../../../src/qemu/binfmt.js';
import { installArgs, resetArgs, unrestorable } from '../../../src/qemu/image-mode.js';

test.each([
  [
    1,
    ['arm64', 's390x'],
    'privileged' as const,
    ['run', '--privileged', '--rm', 'img', '--install', 'arm64,s390x'],
  ],
  [
    2,
    ['riscv64'],
    'sys-admin' as const,
    [
      'run',
      '--cap-add',
      'SYS_ADMIN',
      '--security-opt',
      'systempaths=unconfined',
      '--security-opt',
      'apparmor=unconfined',
      '--security-opt',
      'seccomp=unconfined',
      '--rm',
      'img',
      '--install',
      'riscv64',
    ],
  ],
])('%i: install %j with %s', (_n, archs, privilege, args) => {
  expect(installArgs('img', archs, privilege)).toEqual(args);
});

test('reset runs the fallback image privileged with --reset', () => {
  expect(resetArgs('multiarch/qemu-user-static:register')).toEqual([
    'run',
    '--rm',
    '--privileged',
    'multiarch/qemu-user-static:register',
    '--reset',
  ]);
});

const reg = (name: string, interpreter: string, flags: string): Registration => ({
  name,
  enabled: true,
  interpreter,
  flags,
  offset: 0,
});

test.each([
  [1, reg('qemu-aarch64', '/host/qemu-aarch64', 'POF'), true, false],
  [2, reg('qemu-aarch64', '/only/in/a/container', 'POCF'), false, true], // tonistiigi-style: cannot be made again
  [3, reg('qemu-arm', '/usr/bin/qemu-arm-static', ''), false, false], // no F: path resolved at exec time
])('%i: %j (interpreter on host: %s) is lost to a reset: %s', (_n, r, onHost, lost) => {
  expect(unrestorable([r], () => onHost).length > 0).toBe(lost);
});

const errno = (code: string) => Object.assign(new Error(code), { code });

test.each([
  [1, errno('EACCES'), false, /not root and 'sudo -n' failed/],
  [2, errno('EROFS'), true, /\/proc\/sys is read-only.*without --privileged/],
  [3, errno('EPERM'), true, /user namespace \(rootless Docker or an unprivileged container\)/],
  [4, errno('EINVAL'), true, /F flag needs Linux 4\.8/],
  [5, errno('EEXIST'), true, /appeared while the action ran/],
])('%i: register failure %s (root %s) is explained as %s', (_n, err, root, hint) => {
  expect(registerFailureHint(err, root)).toMatch(hint);
});
