// Decides, per platform, how it will run (pure): a function of the requested
// mode and facts about the host. The cheapest thing that works wins.
import { formatPlatform, hostArchitecture, type Platform } from '../platform.js';
import type { Registration } from './binfmt.js';
import type { RegisterLine } from './host-mode.js';
import { archInfo, compatArchitecture, isHostArchitecture } from './names.js';

export const QEMU_MODES = ['auto', 'image', 'host', 'false'] as const;
export type QemuMode = (typeof QEMU_MODES)[number];

export interface HostLine {
  line: RegisterLine;
  executable: boolean;
}

export interface HostFacts {
  /** os.arch() */
  nodeArch: string;
  /** Kernel >= 4.8: binfmt_misc takes the F flag. */
  fixBinary: boolean;
  /** Existing qemu-* registrations by name. */
  registrations: ReadonlyMap<string, Registration>;
  /** The host's register line per architecture, and whether its interpreter is executable. */
  hostLines: ReadonlyMap<string, HostLine>;
  /** Whether a test program of the host's 32-bit companion architecture ran natively (386 on amd64, arm on arm64). */
  compatRuns?: boolean;
}

export type Step =
  | { kind: 'native'; why: string }
  | { kind: 'keep'; registration: Registration }
  | { kind: 'host'; line: RegisterLine }
  | { kind: 'image' }
  | { kind: 'fallback' }
  | { kind: 'fail'; message: string };

export function planPlatform(p: Platform, mode: QemuMode, facts: HostFacts): Step {
  const platform = formatPlatform(p);
  const host = hostArchitecture(facts.nodeArch) ?? facts.nodeArch;
  if (isHostArchitecture(p, facts.nodeArch)) return { kind: 'native', why: `host is ${host}` };
  const name = `qemu-${archInfo(p.architecture).qemu}`;
  const existing = facts.registrations.get(name);
  if (compatArchitecture(facts.nodeArch) === p.architecture && facts.compatRuns && !existing)
    return { kind: 'native', why: `${host} host ran a ${p.architecture} test program natively` };
  if (existing?.enabled) return { kind: 'keep', registration: existing };
  if (existing)
    return {
      kind: 'fail',
      message: `Cannot emulate ${platform}: binfmt_misc has ${name} but it is disabled. Enable it (echo 1 > /proc/sys/fs/binfmt_misc/${name}) or remove it (echo -1 > /proc/sys/fs/binfmt_misc/${name}); the action never replaces a registration it did not make.`,
    };
  if (mode === 'false')
    return {
      kind: 'fail',
      message: `Cannot build ${platform}: the host is ${host}, 'qemu' is false and binfmt_misc has no ${name}. Set 'qemu' to auto, register QEMU in an earlier step, or build ${platform} on a native runner.`,
    };
  const hostLine = facts.hostLines.get(p.architecture);
  if (mode === 'host') return hostStep(platform, name, hostLine);
  if (!facts.fixBinary) return { kind: 'fallback' };
  if (mode === 'auto' && hostLine?.executable) return { kind: 'host', line: hostLine.line };
  return { kind: 'image' };
}

function hostStep(platform: string, name: string, hostLine: HostLine | undefined): Step {
  if (!hostLine)
    return {
      kind: 'fail',
      message: `Cannot emulate ${platform} with 'qemu' host: no ${name}.conf register line in /usr/lib/binfmt.d and no /usr/bin/${name}-static. Install the host's emulators (apt-get install qemu-user-static), set 'qemu' to image, or build ${platform} on a native runner.`,
    };
  if (!hostLine.executable)
    return {
      kind: 'fail',
      message: `Cannot emulate ${platform} with 'qemu' host: interpreter ${hostLine.line.interpreter} named in ${hostLine.line.source} is missing or not executable. Reinstall qemu-user-static (apt-get install --reinstall qemu-user-static), or set 'qemu' to image.`,
    };
  return { kind: 'host', line: hostLine.line };
}
