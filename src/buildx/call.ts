// build-push-action's 'call' (buildx --call, buildx 0.15.0 or newer): the
// build evaluated instead of run. check runs the Dockerfile's build checks
// and fails on any finding; outline, targets and subrequests.describe print
// what the frontend answers. Nothing is built or pushed.
import * as core from '@actions/core';
import { ActionError } from '../errors.js';
import { run } from '../exec.js';
import { meaningfulTail } from '../exec-tail.js';
import { compareVersions } from '../versions.js';

/** buildx added --call (and --check) in v0.15.0. */
export const MIN_CALL_BUILDX = '0.15.0';

/** What one call evaluates: a Dockerfile and context for one platform or several (comma separated). */
export interface CallTarget {
  platform: string;
  file: string;
  context: string;
}

export interface CallOptions {
  call: string;
  buildArgs: readonly string[];
  target: string;
  buildContexts: readonly string[];
  builder?: string;
}

/** A 'call' other than build with a buildx older than 0.15.0: said before the builder, registry or any build (pure). */
export function checkCallSupport(call: string, buildx: string): void {
  if (call === 'build' || compareVersions(buildx, MIN_CALL_BUILDX) >= 0) return;
  throw new ActionError(
    `Input 'call' is '${call}', which needs buildx ${MIN_CALL_BUILDX} or newer (docker buildx build --call); this run uses buildx ${buildx}, which has no --call.`,
    `Set 'buildx-version' to v${MIN_CALL_BUILDX} or newer (or latest, or a 'buildx-url' mirror that has it), or leave 'call' empty to build.`,
  );
}

export function callArgs(t: CallTarget, o: CallOptions): string[] {
  const args = ['buildx', 'build', '--call', o.call, '--platform', t.platform, '--file', t.file];
  if (o.builder) args.push('--builder', o.builder);
  if (o.target) args.push('--target', o.target);
  for (const a of o.buildArgs) args.push('--build-arg', a);
  for (const c of o.buildContexts) args.push('--build-context', c);
  return [...args, t.context];
}

/** Runs each call, its answer streamed to the log; a check with findings (buildx exits non-zero) fails the run. */
export async function runCalls(targets: readonly CallTarget[], options: CallOptions): Promise<void> {
  for (const t of targets) {
    const args = callArgs(t, options);
    const res = await run('docker', args, { allowFailure: true });
    if (res.exitCode === 0) continue;
    const tail = meaningfulTail(res.stderr || res.stdout);
    throw new ActionError(
      `'call: ${options.call}' for ${t.platform} (${t.file}) failed: ${tail}`,
      options.call.startsWith('check')
        ? `Fix the findings above in the Dockerfile (or skip a check with '# check=skip=NAME' in it); nothing was built or pushed.`
        : `See buildx's answer above; nothing was built or pushed.`,
    );
  }
  core.info(
    `'call: ${options.call}' evaluated ${targets.length} build(s); nothing was built or pushed, as buildx --call does.`,
  );
}
