// Turns the plan and what happened into one result per platform: proved by
// the probe, with the interpreter, flags and QEMU version in use, and the
// warnings a user must see (no F flag, known pitfalls of that QEMU version).
import { closeSync, openSync, readSync, realpathSync } from 'node:fs';
import { run } from '../exec.js';
import { formatPlatform, type Platform } from '../platform.js';
import { readQemuRegistrations, type Registration } from './binfmt.js';
import type { Step } from './decide.js';
import { isExecutable } from './host-mode.js';
import { imageQemuVersion } from './image-mode.js';
import { archInfo } from './names.js';
import { copyLineFor, parseQemuVersion, pitfallsFor } from './pitfalls.js';
import { probePlatform } from './probe.js';

export interface Emulation {
  platform: string;
  how: 'native' | 'emulated' | 'failed';
  /** native, registered (kept as found), host, image or fallback. */
  mode: string;
  interpreter: string;
  flags: string;
  qemuVersion?: string;
  /** Whether that QEMU is position independent, when known. */
  qemuPie?: boolean;
  /** One line for the log and the summary. */
  detail: string;
  /** Set when the registration lacks F: the Dockerfile line that makes RUN steps work. */
  copyLine?: string;
}

export interface EmulationReport {
  results: Emulation[];
  warnings: string[];
  /** The failures, one message per failed platform. */
  errors: string[];
  /** Facts for the log: the kernel's F support, registrations put back. */
  notes?: string[];
}

const MODE: Record<Step['kind'], string> = {
  native: 'native',
  keep: 'registered',
  host: 'host',
  image: 'image',
  fallback: 'fallback',
  fail: 'failed',
};

interface QemuBuild {
  version?: string;
  /** Whether the interpreter is position independent; undefined when it cannot be read. */
  pie?: boolean;
}

/** ELF e_type 3 (ET_DYN) is a PIE; 2 (ET_EXEC) is not. Reads the 18-byte header only (the file is ~13 MB). */
function isPie(file: string): boolean | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(18);
    if (readSync(fd, head, 0, 18, 0) < 18) return undefined;
    return (head[5] === 2 ? head.readUInt16BE(16) : head.readUInt16LE(16)) === 3;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

async function qemuBuildOf(reg: Registration, mode: string, image: string): Promise<QemuBuild> {
  if (isExecutable(reg.interpreter)) {
    // Debian's <arch>-binfmt-P links take argv[1] as the program: ask the real file.
    const file = realpathSync(reg.interpreter);
    const out = await run(file, ['--version'], { silent: true, allowFailure: true });
    const version = parseQemuVersion(out.stdout);
    if (version) return { version, pie: isPie(file) };
  }
  return { version: mode === 'image' ? await imageQemuVersion(image) : undefined };
}

interface Context {
  image: string;
  workDir: string;
  fixBinary: boolean;
}

async function verify(
  p: Platform,
  step: Step,
  reg: Registration | undefined,
  c: Context,
): Promise<Emulation> {
  const platform = formatPlatform(p);
  const mode = MODE[step.kind];
  const base = { platform, mode, interpreter: reg?.interpreter ?? '', flags: reg?.flags ?? '' };
  const name = `qemu-${archInfo(p.architecture).qemu}`;
  if (!reg?.enabled)
    return {
      ...base,
      how: 'failed',
      detail: `Cannot emulate ${platform}: ${name} is not registered after '${mode}' registration ran. Check the log above.`,
    };
  const probe = await probePlatform(p, c.workDir);
  if (!probe.ok)
    return {
      ...base,
      how: 'failed',
      detail: `Cannot emulate ${platform}: binfmt_misc has ${name} (interpreter ${reg.interpreter}, flags ${reg.flags || '-'}) but a ${p.architecture} test program does not run (${probe.detail}). Fix or remove it (echo -1 > /proc/sys/fs/binfmt_misc/${name}) and run again, or build ${platform} on a native runner.`,
    };
  const build = await qemuBuildOf(reg, mode, c.image);
  const qemu = build.version ? `, QEMU ${build.version}${build.pie === false ? ' (not PIE)' : ''}` : '';
  const result: Emulation = {
    ...base,
    how: 'emulated',
    detail: `${mode}, ${reg.interpreter}, flags ${reg.flags || '-'}${qemu}`,
  };
  if (build.version) result.qemuVersion = build.version;
  if (build.pie !== undefined) result.qemuPie = build.pie;
  if (!reg.flags.includes('F')) result.copyLine = copyLineFor(reg.interpreter, `${name}-static`);
  return result;
}

function warningsFor(results: readonly Emulation[], fixBinary: boolean): string[] {
  const warnings: string[] = [];
  for (const r of results.filter((e) => e.copyLine)) {
    const why = fixBinary
      ? 'was registered without the F flag'
      : 'runs on a kernel older than 4.8 (no F flag)';
    const name = r.copyLine?.split(' ')[2] ?? '';
    warnings.push(
      `Emulation for ${r.platform} ${why}: RUN steps only work when ${r.interpreter} is inside the image. Copy the host's ${name} (from /usr/bin or a qemu-user-static package) into the build context and add before the first RUN step: ${r.copyLine}`,
    );
  }
  const seen = new Set<string>();
  for (const r of results) {
    const key = `${r.qemuVersion}/${r.qemuPie}`;
    if (!r.qemuVersion || seen.has(key)) continue;
    seen.add(key);
    warnings.push(...pitfallsFor(r.qemuVersion, r.qemuPie));
  }
  return warnings;
}

export async function describeResults(
  platforms: readonly Platform[],
  steps: ReadonlyMap<string, Step>,
  failed: ReadonlyMap<string, string>,
  c: Context,
): Promise<EmulationReport> {
  const registrations = readQemuRegistrations();
  // Each platform's probe on its own, all at once (a few ms of exec each, in order in the report).
  const results = await Promise.all(
    platforms.map(async (p): Promise<Emulation> => {
      const platform = formatPlatform(p);
      const step = steps.get(platform) ?? { kind: 'fail', message: 'no plan' };
      const error = failed.get(platform);
      if (error)
        return { platform, how: 'failed', mode: MODE[step.kind], interpreter: '', flags: '', detail: error };
      if (step.kind === 'native')
        return { platform, how: 'native', mode: 'native', interpreter: '', flags: '', detail: step.why };
      return verify(p, step, registrations.get(`qemu-${archInfo(p.architecture).qemu}`), c);
    }),
  );
  const errors = results.filter((r) => r.how === 'failed').map((r) => r.detail);
  return { results, warnings: warningsFor(results, c.fixBinary), errors };
}
