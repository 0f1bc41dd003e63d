// Makes every requested platform runnable, cheapest way first: native ones
// need nothing, registered ones are kept as they are, missing ones come from
// the host's qemu-user-static, the QEMU image, or (Linux < 4.8) the fallback
// image. Then every emulated platform is proved by running a test program.
import * as os from 'node:os';
import { ActionError, errorMessage } from '../errors.js';
import { formatPlatform, type Platform } from '../platform.js';
import {
  ensureBinfmtMounted,
  isRoot,
  readQemuRegistrations,
  registerFailureHint,
  writeRegister,
  BINFMT_DIR,
} from './binfmt.js';
import { planPlatform, type HostFacts, type HostLine, type Step, type QemuMode } from './decide.js';
import { findHostRegisterLine, isExecutable, withFlags, withoutFixBinary } from './host-mode.js';
import { installFromImage, resetFromFallbackImage } from './image-mode.js';
import { parseKernelVersion, supportsFixBinary } from './kernel.js';
import { archInfo, compatArchitecture, isHostArchitecture } from './names.js';
import { probePlatform } from './probe.js';
import { describeResults, type EmulationReport } from './report.js';

export type { Emulation, EmulationReport } from './report.js';

export interface QemuOptions {
  mode: QemuMode;
  image: string;
  fallbackImage: string;
  /** Where probe programs are written (must allow exec). */
  workDir: string;
  nodeArch?: string;
  kernelRelease?: string;
}

async function gatherFacts(
  platforms: readonly Platform[],
  o: QemuOptions,
  nodeArch: string,
): Promise<HostFacts> {
  const registrations = readQemuRegistrations();
  const hostLines = new Map<string, HostLine>();
  for (const p of platforms) {
    if (isHostArchitecture(p, nodeArch)) continue;
    const line = findHostRegisterLine(p.architecture);
    if (line) hostLines.set(p.architecture, { line, executable: isExecutable(line.interpreter) });
  }
  const facts: HostFacts = {
    nodeArch,
    fixBinary: supportsFixBinary(parseKernelVersion(o.kernelRelease ?? os.release())),
    registrations,
    hostLines,
  };
  const compat = platforms.find((p) => p.architecture === compatArchitecture(nodeArch));
  if (compat && !registrations.has(`qemu-${archInfo(compat.architecture).qemu}`))
    facts.compatRuns = (await probePlatform(compat, o.workDir)).ok;
  return facts;
}

async function registerHostLines(steps: Map<string, Step>, fixBinary: boolean): Promise<Map<string, string>> {
  const failed = new Map<string, string>();
  const host = [...steps].filter(([, s]) => s.kind === 'host');
  if (host.length === 0) return failed;
  try {
    await ensureBinfmtMounted();
  } catch (err) {
    const why = `binfmt_misc is not mounted at ${BINFMT_DIR} and mounting it failed (${errorMessage(err)}). In a container the job needs --privileged; otherwise register QEMU on the host, or build on a native runner.`;
    host.forEach(([platform]) => failed.set(platform, why));
    return failed;
  }
  const written = new Set<string>(); // arm/v7 and arm/v6 share qemu-arm
  for (const [platform, step] of host) {
    if (step.kind !== 'host' || written.has(step.line.name)) continue;
    const line = fixBinary ? withFlags(step.line, 'F') : withoutFixBinary(step.line);
    try {
      await writeRegister(line.line);
      written.add(line.name);
    } catch (err) {
      failed.set(
        platform,
        `Cannot register ${line.name} for ${platform} in ${BINFMT_DIR}: ${errorMessage(err)}. ${registerFailureHint(err, isRoot())}`,
      );
    }
  }
  return failed;
}

async function registerFromImages(
  steps: Map<string, Step>,
  platforms: readonly Platform[],
  o: QemuOptions,
  notes: string[],
): Promise<Map<string, string>> {
  const failed = new Map<string, string>();
  const of = (kind: Step['kind']) => platforms.filter((p) => steps.get(formatPlatform(p))?.kind === kind);
  const attempt = async (list: Platform[], fn: () => Promise<unknown>) => {
    if (list.length === 0) return;
    try {
      await fn();
    } catch (err) {
      if (!(err instanceof ActionError)) throw err;
      list.forEach((p) => failed.set(formatPlatform(p), err.message));
    }
  };
  const image = of('image');
  await attempt(image, () => installFromImage(o.image, [...new Set(image.map((p) => p.architecture))]));
  await attempt(of('fallback'), async () => {
    const { restored } = await resetFromFallbackImage(o.fallbackImage);
    if (restored.length > 0) notes.push(`Put back after --reset, as they were: ${restored.join(', ')}`);
  });
  return failed;
}

export async function setupEmulation(
  platforms: readonly Platform[],
  o: QemuOptions,
): Promise<EmulationReport> {
  const nodeArch = o.nodeArch ?? os.arch();
  const facts = await gatherFacts(platforms, o, nodeArch);
  const steps = new Map(platforms.map((p) => [formatPlatform(p), planPlatform(p, o.mode, facts)]));
  const failed = new Map<string, string>();
  const notes = [
    `Kernel ${o.kernelRelease ?? os.release()}: binfmt_misc ${facts.fixBinary ? 'takes' : 'does not take'} the F flag (Linux 4.8+)`,
  ];
  for (const [platform, step] of steps) if (step.kind === 'fail') failed.set(platform, step.message);
  for (const [k, v] of await registerHostLines(steps, facts.fixBinary)) failed.set(k, v);
  for (const [k, v] of await registerFromImages(steps, platforms, o, notes)) failed.set(k, v);
  const report = await describeResults(platforms, steps, failed, { ...o, fixBinary: facts.fixBinary });
  return { ...report, notes };
}
