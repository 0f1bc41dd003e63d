import { expect, test } from 'vitest';
import { parseRegistration, registerLineOf } from '../../../src/qemu/binfmt.js';
import {
  parseRegisterLine,
  synthesizeRegisterLine,
  withFlags,
  withoutFixBinary,
  withoutFlags,
} from '../../../src/qemu/host-mode.js';
import { compatArchitecture, isHostArchitecture, qemuName } from '../../../src/qemu/names.js';

// Recorded from Debian bookworm's qemu-user-static 7.2 (/usr/lib/binfmt.d/qemu-aarch64.conf).
const DEBIAN_AARCH64 =
  ':qemu-aarch64:M::\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:/usr/libexec/qemu-binfmt/aarch64-binfmt-P:OPF\n';

// Recorded from /proc/sys/fs/binfmt_misc/qemu-aarch64 on this kernel.
const PROC_AARCH64 =
  'enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: POF\noffset 0\nmagic 7f454c460201010000000000000000000200b700\nmask ffffffffffffff00fffffffffffffffffeffffff\n';

test('parses a binfmt.d register line', () => {
  expect(parseRegisterLine(`# comment\n${DEBIAN_AARCH64}`)).toMatchObject({
    name: 'qemu-aarch64',
    interpreter: '/usr/libexec/qemu-binfmt/aarch64-binfmt-P',
    flags: 'OPF',
  });
  expect(parseRegisterLine('# nothing here\n')).toBeUndefined();
});

test('adds flags once, keeping the rest of the line', () => {
  const line = parseRegisterLine(DEBIAN_AARCH64.replace(':OPF', ':OP'));
  const fixed = withFlags(line!, 'F');
  expect(fixed.flags).toBe('OPF');
  expect(fixed.line).toBe(DEBIAN_AARCH64.trim());
  expect(withFlags(fixed, 'F').line).toBe(fixed.line);
});

test('parses a kernel registration', () => {
  expect(parseRegistration('qemu-aarch64', PROC_AARCH64)).toEqual({
    name: 'qemu-aarch64',
    enabled: true,
    interpreter: '/usr/libexec/qemu-binfmt/aarch64-binfmt-P',
    flags: 'POF',
    offset: 0,
    magic: '7f454c460201010000000000000000000200b700',
    mask: 'ffffffffffffff00fffffffffffffffffeffffff',
  });
  expect(parseRegistration('x', 'disabled\ninterpreter /x\nflags: \n').enabled).toBe(false);
});

test.each([
  [1, 'arm64', 'aarch64'],
  [2, 'amd64', 'x86_64'],
  [3, '386', 'i386'],
  [4, 'ppc64le', 'ppc64le'],
  [5, 'mips64le', 'mips64el'],
  [6, 'loong64', 'loongarch64'],
  [7, 'arm', 'arm'],
])('%i: %s -> qemu-%s', (_n, architecture, expected) => {
  expect(qemuName({ os: 'linux', architecture })).toBe(expected);
});

test.each([
  [1, 'x64', 'amd64', true],
  [2, 'x64', '386', false],
  [3, 'x64', 'arm64', false],
  [4, 'arm64', 'arm64', true],
  [5, 'arm64', 'amd64', false],
  [6, 'arm64', 'arm', false],
])('%i: on %s, %s is the host architecture = %s', (_n, host, architecture, expected) => {
  expect(isHostArchitecture({ os: 'linux', architecture }, host)).toBe(expected);
});

test.each([
  [1, 'x64', '386'],
  [2, 'arm64', 'arm'],
  [3, 's390x', undefined],
  [4, 'ppc64', undefined],
])('%i: on %s the 32-bit companion to probe is %s', (_n, host, expected) => {
  expect(compatArchitecture(host)).toBe(expected);
});

test('a kernel registration turns back into the register line it came from', () => {
  // Debian's line with the kernel's flag order (POF) is what the kernel prints back.
  const line = DEBIAN_AARCH64.trim().replace(':OPF', ':POF');
  expect(registerLineOf(parseRegistration('qemu-aarch64', PROC_AARCH64))).toBe(line);
});

test('drops the F flag for kernels older than 4.8', () => {
  expect(withoutFlags(parseRegisterLine(DEBIAN_AARCH64)!, 'F').line).toBe(
    DEBIAN_AARCH64.trim().replace(':OPF', ':OP'),
  );
});

// Recorded from Debian bookworm's /usr/lib/binfmt.d/qemu-s390x.conf.
const DEBIAN_S390X =
  ':qemu-s390x:M::\\x7f\\x45\\x4c\\x46\\x02\\x02\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\x16:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfc\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff:/usr/libexec/qemu-binfmt/s390x-binfmt-P:OPF\n';

test.each([
  [1, 'arm64', DEBIAN_AARCH64],
  [2, 's390x', DEBIAN_S390X],
])('%i: a register line made for %s has the name and magic Debian ships', (_n, arch, packaged) => {
  const made = synthesizeRegisterLine(arch, '/x').line.split(':');
  const want = packaged.trim().split(':');
  expect(made.slice(1, 5)).toEqual(want.slice(1, 5));
});

test.each([
  [
    1,
    'Debian line, /usr/bin/qemu-aarch64-static on the host: that interpreter, F and P dropped',
    DEBIAN_AARCH64,
    true,
    '/usr/bin/qemu-aarch64-static',
    'O',
  ],
  [
    2,
    'Debian line, no static file on the host: its own interpreter, F dropped',
    DEBIAN_AARCH64,
    false,
    '/usr/libexec/qemu-binfmt/aarch64-binfmt-P',
    'OP',
  ],
  [
    3,
    'a line made for /usr/bin/qemu-aarch64-static (no flags): unchanged',
    synthesizeRegisterLine('arm64', '/usr/bin/qemu-aarch64-static').line,
    true,
    '/usr/bin/qemu-aarch64-static',
    '',
  ],
])('without the F flag %i: %s', (_n, _name, text, exists, interpreter, flags) => {
  const asked: string[] = [];
  const line = withoutFixBinary(parseRegisterLine(text)!, (f) => (asked.push(f), exists));
  expect(asked).toEqual(['/usr/bin/qemu-aarch64-static']);
  expect(line).toMatchObject({ name: 'qemu-aarch64', interpreter, flags });
  // The kernel reads the same line back: magic and mask kept, interpreter and flags as said.
  const fields = line.line.split(':');
  expect(fields.slice(-2)).toEqual([interpreter, flags]);
  expect(fields.slice(0, -2)).toEqual(parseRegisterLine(text)!.line.split(':').slice(0, -2));
});
