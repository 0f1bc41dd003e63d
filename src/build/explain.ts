// Why a platform's build failed, in words a user can act on: emulation
// explains its own failures best (no F flag, QEMU crashes), then buildx's known texts.
import { buildFailureHint } from '../buildx/build.js';
import { ActionError, ExecError } from '../errors.js';
import { explainBuildFailure, type EmulationContext } from '../qemu/pitfalls.js';

export function explainFailedBuild(err: unknown, platform: string, emulation?: EmulationContext): unknown {
  if (!(err instanceof ExecError)) return err;
  const hint =
    (emulation && explainBuildFailure(err.tail, emulation)) ?? buildFailureHint(err.tail, platform);
  return new ActionError(`Building ${platform} failed (exit code ${err.exitCode}): ${err.tail}`, hint);
}
