// Known emulation pitfalls by QEMU version, and explanations for builds that
// fail under emulation (pure). Sources are named per entry.
import { compareVersions } from '../versions.js';

export function parseQemuVersion(text: string): string | undefined {
  return (
    /qemu[\w-]*\s+version\s+(\d+\.\d+(?:\.\d+)?)/i.exec(text)?.[1] ??
    /qemu\/v(\d+\.\d+(?:\.\d+)?)/i.exec(text)?.[1]
  );
}

interface Pitfall {
  /** Applies to versions >= from and < below. */
  from: string;
  below: string;
  /** Only QEMU builds without PIE are affected. */
  nonPieOnly?: boolean;
  text: string;
}

const PITFALLS: Pitfall[] = [
  {
    from: '0',
    below: '8.1',
    nonPieOnly: true,
    text: 'emulated programs (node, Go toolchains, ldconfig) segfault intermittently on newer runner kernels with QEMU older than 8.1 built without PIE, such as tonistiigi/binfmt:qemu-v7.0.0, the long-time :latest (tonistiigi/binfmt#215, moby/moby#49331, actions/runner-images#11662)',
  },
  {
    from: '9.0',
    below: '9.2.2',
    text: "ldconfig segfaults ('libc-bin ... exit status 139') in arm64 Ubuntu 22.04 images with QEMU 9.x before 9.2.2 (tonistiigi/binfmt#231, #240, #245)",
  },
  {
    from: '10.1',
    below: '10.2',
    text: 'a libc-bin (ldconfig) segfault regression in Ubuntu images is reported for QEMU 10.1 (tonistiigi/binfmt#298)',
  },
];

/** Warnings for the QEMU version in use; none when the version is unknown. `pie` undefined means not known. */
export function pitfallsFor(version: string | undefined, pie?: boolean): string[] {
  if (!version) return [];
  const applies = (p: Pitfall) =>
    compareVersions(version, p.from) >= 0 &&
    compareVersions(version, p.below) < 0 &&
    !(p.nonPieOnly && pie === true);
  return PITFALLS.filter(applies).map(
    (p) =>
      `QEMU ${version}: ${p.text}. If a RUN step crashes with signal 11 or exit status 139, set 'qemu-image' to another pinned tonistiigi/binfmt version and 'qemu' to image.`,
  );
}

export interface EmulationContext {
  platform: string;
  how: 'native' | 'emulated' | 'failed';
  flags: string;
  interpreter: string;
  qemuVersion?: string;
  /** The Dockerfile line that puts the interpreter in the image, when the registration lacks F. */
  copyLine?: string;
}

const EXEC_FAILED = /exec format error|no such file or directory/i;
const SEGFAULT = /signal 11|segmentation fault|exit status 139|exit code: 139/i;

/** A precise hint for a build that failed under emulation, or undefined when emulation is not the likely cause. */
export function explainBuildFailure(tail: string, emu: EmulationContext | undefined): string | undefined {
  if (!emu || emu.how !== 'emulated') {
    return /exec format error/i.test(tail)
      ? `The kernel could not run a ${emu?.platform ?? 'foreign'} binary: QEMU is not registered for it (see 'qemu').`
      : undefined;
  }
  if (!emu.flags.includes('F') && EXEC_FAILED.test(tail))
    return `QEMU for ${emu.platform} is registered without the F flag (interpreter ${emu.interpreter}), so RUN steps only work when that interpreter is inside the image: add '${emu.copyLine ?? ''}' before the first RUN step, or use a runner with Linux 4.8 or newer.`;
  if (SEGFAULT.test(tail))
    return `A program crashed under QEMU ${emu.qemuVersion ?? '(version unknown)'} emulating ${emu.platform}. Emulators crash on some programs (ldconfig, Go toolchains); try another pinned 'qemu-image' with 'qemu' set to image, or build ${emu.platform} on a native runner.`;
  if (/exec format error/i.test(tail))
    return `The kernel could not run a ${emu.platform} binary although QEMU was registered (${emu.interpreter}, flags ${emu.flags || '-'}): was the registration removed during the build?`;
  return undefined;
}

/** The COPY line for a registration without F: the host's static interpreter, copied into the build context first. */
export function copyLineFor(interpreter: string, staticName: string): string {
  return `COPY --chmod=755 ${staticName} ${interpreter}`;
}
