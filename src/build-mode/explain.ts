// Why a platform's build failed, in words a user can act on. Faults of the
// runner come first, as they look like the Dockerfile's fault in buildx's own
// words: the local registry gone, RUNNER_TEMP full, a build killed (137, out of
// memory). Then emulation (no F flag, QEMU crashes), then buildx's known texts.
import * as core from '@actions/core';
import { statfsSync } from 'node:fs';
import * as path from 'node:path';
import { buildFailureHint } from '../buildx/build.js';
import { ActionError, ExecError } from '../errors.js';
import { checkRegistryHealth, describeRegistry } from '../local-registry/health.js';
import { registryLogTail } from '../local-registry/service.js';
import { explainBuildFailure, type EmulationContext } from '../qemu/pitfalls.js';
import type { BuildsContext } from './build-spec.js';

export function explainFailedBuild(err: unknown, platform: string, emulation?: EmulationContext): unknown {
  if (!(err instanceof ExecError)) return err;
  const hint =
    (emulation && explainBuildFailure(err.tail, emulation)) ?? buildFailureHint(err.tail, platform);
  return new ActionError(`Building ${platform} failed (exit code ${err.exitCode}): ${err.tail}`, hint);
}

const NO_SPACE = /no space left on device|ENOSPC|disk quota exceeded/i;
const KILLED = /exit code:? 137\b|signal: killed/i;
/** distribution answers 500 when its storage cannot be written. */
const SERVER_ERROR = /500 Internal Server Error|status: 500/i;

/** Free space of the file system holding `dir`, in MB; undefined when it cannot be read. */
export function freeMb(dir: string): number | undefined {
  try {
    const s = statfsSync(dir);
    return Math.floor((s.bavail * s.bsize) / 1e6);
  } catch {
    return undefined;
  }
}

async function registryProblem(ctx: BuildsContext, platform: string): Promise<ActionError | undefined> {
  const { registry } = ctx.state;
  if (!registry) return undefined;
  const problem = await checkRegistryHealth(ctx.local.client.http, registry);
  if (!problem) return undefined;
  core.info(`Local registry log (last lines):\n${await registryLogTail(registry).catch(() => '(none)')}`);
  return new ActionError(
    `Building ${platform} failed: ${describeRegistry(registry)} ${problem} during the build, so the image could not be pushed to it.`,
    `Something on the runner stopped it (another job's cleanup, the OOM killer); its log is printed above. Run the job again.`,
  );
}

async function diskProblem(ctx: BuildsContext, err: ExecError, platform: string) {
  const { registry, runDir } = ctx.state;
  const log = registry ? await registryLogTail(registry).catch(() => '') : '';
  const free = freeMb(runDir);
  const low = free !== undefined && free < 64 && SERVER_ERROR.test(err.tail);
  if (!NO_SPACE.test(err.tail) && !NO_SPACE.test(log) && !low) return undefined;
  if (registry?.container)
    return new ActionError(
      `Building ${platform} failed: no space left on device. The local registry container stores every layer on the Docker engine's disk.`,
      `Free space there (docker system prune), or set 'local-registry' to binary to keep layers in RUNNER_TEMP.`,
    );
  const temp = process.env.RUNNER_TEMP || path.dirname(runDir);
  return new ActionError(
    `Building ${platform} failed: no space left on device. RUNNER_TEMP (${temp}, ${free ?? '?'} MB free) holds the local registry, which stores every layer of every platform.`,
    `Free space there, point RUNNER_TEMP at a bigger disk, or build fewer platforms per job.`,
  );
}

/** The build's failure explained, a fault of the runner first; anything but a failed command is kept. */
export async function explainBuildError(
  err: unknown,
  platform: string,
  ctx: BuildsContext,
): Promise<unknown> {
  if (!(err instanceof ExecError)) return err;
  const fault = (await registryProblem(ctx, platform)) ?? (await diskProblem(ctx, err, platform));
  if (fault) return fault;
  if (err.exitCode === 137 || KILLED.test(err.tail))
    return new ActionError(
      `Building ${platform} was killed (exit code 137, SIGKILL), most likely out of memory: ${err.tail}`,
      `Set 'max-parallel' lower (now ${ctx.options.build.maxParallel}) so fewer builds share the memory, or use a runner with more memory.`,
    );
  const emulation = ctx.emulation.results.find((e) => e.platform === platform);
  return explainFailedBuild(err, platform, emulation);
}
