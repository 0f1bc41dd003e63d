// 'load' (build-push-action's, buildx --load): after the publish, the built
// images go into the runner's Docker engine under every tag, pulled by digest
// from the run's local registry: every platform on the containerd image store
// (one image whose platforms `docker run --platform` picks from), one platform
// on the classic store, which holds one per name: the runner's own when it
// was built, else the first.
import * as core from '@actions/core';
import { ActionError } from '../errors.js';
import { run } from '../exec.js';
import { meaningfulTail } from '../exec-tail.js';
import { formatReference, type Reference } from '../registry/reference.js';

export interface LoadPlan {
  platforms: string[];
  why: string;
}

/** Which platforms go into the engine (pure). */
export function loadPlan(
  built: readonly string[],
  native: readonly string[],
  containerdStore: boolean,
): LoadPlan {
  if (containerdStore)
    return { platforms: [...built], why: 'the containerd image store holds every platform' };
  const own = built.find((p) => native.includes(p));
  const first = own ?? built[0] ?? '';
  return {
    platforms: [first],
    why: own
      ? `the classic image store holds one platform per name: the runner's own`
      : `the classic image store holds one platform per name, and none built runs natively here: the first in 'platforms'`,
  };
}

async function docker(args: string[], what: string): Promise<void> {
  const res = await run('docker', args, { silent: true, allowFailure: true });
  if (res.exitCode !== 0)
    throw new ActionError(
      `Could not load the images into the engine (${what}): ${meaningfulTail(res.stderr || res.stdout)}.`,
      `The index was already published; load it with docker pull in a later step.`,
    );
}

/** Pulls `source` (the index in the local registry, by digest) for each planned platform, then tags it. */
export async function loadImages(source: string, tags: readonly Reference[], plan: LoadPlan): Promise<void> {
  for (const platform of plan.platforms)
    await docker(['pull', '--quiet', '--platform', platform, source], `docker pull ${platform}`);
  const names = tags.map(formatReference);
  for (const name of names) await docker(['tag', source, name], `docker tag ${name}`);
  // Untags the local registry's name only: the image stays under the tags.
  await run('docker', ['image', 'rm', source], { silent: true, allowFailure: true });
  core.info(`Loaded ${plan.platforms.join(', ')} into the engine as ${names.join(', ')} (${plan.why}).`);
}
