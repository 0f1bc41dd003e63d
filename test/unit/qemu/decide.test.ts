// The mode decision as a pure function of host facts.
import { expect, test } from 'vitest';
import type { QemuMode } from '../../../src/qemu/decide.js';
import { parsePlatform } from '../../../src/platform.js';
import type { Registration } from '../../../src/qemu/binfmt.js';
import { planPlatform, type HostFacts } from '../../../src/qemu/decide.js';
import { synthesizeRegisterLine } from '../../../src/qemu/host-mode.js';

const reg = (name: string, flags: string, enabled = true): Registration => ({
  name,
  enabled,
  interpreter: `/usr/libexec/qemu-binfmt/${name.slice(5)}-binfmt-P`,
  flags,
  offset: 0,
});

interface Facts {
  arch?: string;
  old?: boolean;
  regs?: Registration[];
  host?: Record<string, boolean>; // architecture -> interpreter executable
  compat?: boolean;
}

function facts(f: Facts): HostFacts {
  return {
    nodeArch: f.arch ?? 'x64',
    fixBinary: !f.old,
    registrations: new Map((f.regs ?? []).map((r) => [r.name, r])),
    hostLines: new Map(
      Object.entries(f.host ?? {}).map(([a, executable]) => [
        a,
        { line: synthesizeRegisterLine(a, '/x'), executable },
      ]),
    ),
    compatRuns: f.compat,
  };
}

const ALL = { arm64: true, s390x: true, '386': true, arm: true, amd64: true };

test.each<[number, string, QemuMode, Facts, string]>([
  [1, 'linux/amd64', 'auto', {}, 'native'],
  [2, 'linux/amd64', 'false', {}, 'native'],
  [3, 'linux/arm64', 'auto', { regs: [reg('qemu-aarch64', 'POF')], host: ALL }, 'keep'],
  [4, 'linux/arm64', 'host', { regs: [reg('qemu-aarch64', 'POF')], host: ALL }, 'keep'],
  [5, 'linux/arm64', 'image', { regs: [reg('qemu-aarch64', 'POF')] }, 'keep'],
  [6, 'linux/arm64', 'false', { regs: [reg('qemu-aarch64', 'OP')] }, 'keep'],
  [7, 'linux/arm64', 'auto', { host: ALL }, 'host'],
  [8, 'linux/arm64', 'auto', {}, 'image'],
  [9, 'linux/arm64', 'auto', { host: { arm64: false } }, 'image'],
  [10, 'linux/arm64', 'host', { host: ALL }, 'host'],
  [11, 'linux/arm64', 'host', {}, 'fail'],
  [12, 'linux/arm64', 'host', { host: { arm64: false } }, 'fail'],
  [13, 'linux/arm64', 'image', { host: ALL }, 'image'],
  [14, 'linux/arm64', 'false', { host: ALL }, 'fail'],
  [15, 'linux/arm64', 'auto', { old: true, host: ALL }, 'fallback'],
  [16, 'linux/arm64', 'image', { old: true }, 'fallback'],
  [17, 'linux/arm64', 'host', { old: true, host: ALL }, 'host'],
  [18, 'linux/arm64', 'auto', { regs: [reg('qemu-aarch64', 'POF', false)], host: ALL }, 'fail'],
  [19, 'linux/386', 'auto', { compat: true, host: ALL }, 'native'],
  [20, 'linux/386', 'auto', { compat: false, host: ALL }, 'host'],
  [21, 'linux/386', 'auto', { host: ALL }, 'host'],
  [22, 'linux/arm/v7', 'auto', { arch: 'arm64', compat: true }, 'native'],
  [23, 'linux/arm/v6', 'auto', { arch: 'arm64', compat: false, host: ALL }, 'host'],
  [24, 'linux/arm64', 'false', { arch: 'arm64' }, 'native'],
  [25, 'linux/amd64', 'auto', { arch: 'arm64', host: ALL }, 'host'],
  [26, 'linux/arm/v7', 'auto', { arch: 'arm64', compat: true, regs: [reg('qemu-arm', 'F')] }, 'keep'],
])('%i: %s with qemu %s on %j -> %s', (_n, platform, mode, f, kind) => {
  expect(planPlatform(parsePlatform(platform)!, mode, facts(f)).kind).toBe(kind);
});

test.each<[number, QemuMode, Facts, RegExp]>([
  [1, 'host', {}, /no qemu-aarch64\.conf register line.*apt-get install qemu-user-static/],
  [2, 'host', { host: { arm64: false } }, /interpreter \/x named in .* is missing or not executable/],
  [3, 'false', {}, /'qemu' is false and binfmt_misc has no qemu-aarch64/],
  [4, 'auto', { regs: [reg('qemu-aarch64', 'F', false)] }, /qemu-aarch64 but it is disabled.*echo 1 >/],
])('%i: linux/arm64 with qemu %s on %j fails saying %s', (_n, mode, f, message) => {
  const step = planPlatform(parsePlatform('linux/arm64')!, mode, facts(f));
  expect(step.kind === 'fail' ? step.message : '').toMatch(message);
});
