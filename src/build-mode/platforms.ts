// The builds phase: the platforms that share the Dockerfile in one
// multi-platform build where the engine can (multi-platform.ts), the others
// one by one, at most 'max-parallel' at once, each log in its own group
// (buffered and printed whole when builds run side by side), then the smoke
// tests, one platform at a time.
import type { RegistryClient } from '../registry/client.js';
import type { Repo } from '../oci/image-source.js';
import * as core from '@actions/core';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runBuild, runPushingToLocal, type BuildSpec } from '../buildx/build.js';
import { writeSecrets } from '../buildx/secrets.js';
import { hubOf, type PlatformHub } from './hub/plan.js';
import { runHook } from './hub/run-hook.js';
import { formatPlatform, platformSlug, type Platform } from '../platform.js';
import { readBuiltImage } from './built-image.js';
import { mapPool } from '../pool.js';
import { explainBuildError } from './explain.js';
import { buildShared, printGroup } from './multi-platform.js';
import { describePlan, planBuilds } from './plan.js';
import { specFor, type BuildsContext, type PlatformResult } from './build-spec.js';
import { runSmokeTest } from './smoke-test.js';
import { saveState } from '../state.js';
import { ActionError } from '../errors.js';
import { reportNode } from './use-builder.js';

export type { BuildsContext, PlatformResult };

/** hooks/build replaces the default build: it builds IMAGE_NAME, the action pushes it locally; false when it is skipped. */
async function runBuildHook(ctx: BuildsContext, spec: BuildSpec): Promise<boolean> {
  const hub = hubOf(ctx.hub, spec.platform);
  const env = { ...hub?.env, IMAGE_NAME: spec.ref, DOCKER_DEFAULT_PLATFORM: spec.platform };
  if (!hub || (await runHook(hub, 'build', env, { group: false })) !== 'ran') return false;
  await runPushingToLocal(['push', spec.ref], spec.ref, `Pushing ${spec.platform}`, spec.logFile);
  return true;
}

/** The local registry's one repository: every platform's image is a tag of it. */
export const LOCAL_REPOSITORY = 'build';

/** Where a platform's image is in the local registry. */
export function localRef(local: Repo<RegistryClient>, platform: string): string {
  return `${local.client.registry}/${local.repository}:${platform.replace(/\//g, '-')}`;
}

/**
 * The build, or hooks/build: answers the digest buildx reported in
 * --metadata-file, so the image is read back by digest, never by a tag that
 * could move; undefined after a build hook (read by its tag).
 */
/** The local reference to read the build back by: buildx's digest, or the tag a Hub build hook pushed. */
async function buildImage(ctx: BuildsContext, spec: BuildSpec, slug: string): Promise<string> {
  if (await runBuildHook(ctx, spec)) return slug;
  let digest: string | undefined;
  try {
    const built = await runBuild(spec);
    digest = built.digest;
    reportNode(ctx.options.builder, spec.platform, built.buildRef);
  } catch (err) {
    throw await explainBuildError(err, spec.platform, ctx);
  }
  // Read back by digest only: a tag in the local registry could have moved under the build.
  if (!digest)
    throw new ActionError(
      `The build of ${spec.platform} wrote no digest to its metadata file, so its image cannot be read back by digest.`,
      'Update buildx (buildx-version) or report the buildx and Docker versions shown in the environment group.',
    );
  return digest;
}

/** The build's log in a group of its own: streamed, or (builds side by side) printed whole when it ends. */
async function inGroup<T>(platform: string, logFile: string | undefined, fn: () => Promise<T>): Promise<T> {
  if (!logFile) return core.group(`Building ${platform}`, fn);
  core.info(`Building ${platform} (its log follows when it ends)`);
  try {
    return await fn();
  } finally {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    printGroup(`Building ${platform}`, log.trimEnd());
  }
}

async function buildOne(
  ctx: BuildsContext,
  p: Platform,
  buffered: boolean,
  secrets: string[],
): Promise<PlatformResult> {
  const platform = formatPlatform(p);
  const slug = platformSlug(p);
  const ref = localRef(ctx.local, platform);
  ctx.state.images.push(ref);
  saveState(ctx.state);
  const logFile = buffered ? path.join(ctx.state.runDir, `build-${slug}.log`) : undefined;
  const { file, context } = sourcesOf(ctx, platform);
  const spec = specFor(ctx, { platform, slug, file, context }, ref, secrets, logFile);
  const start = Date.now();
  const built = await inGroup(platform, logFile, () => buildImage(ctx, spec, slug));
  const image = await readBuiltImage(ctx.local, built, platform);
  const end = Date.now();
  return { platform, image, ref, seconds: (end - start) / 1000, build: 'own build', start, end };
}

/** Smoke tests once every build has ended, so no build's log lands inside a test's group. */
async function testAll(ctx: BuildsContext, results: PlatformResult[]): Promise<PlatformResult[]> {
  const command = ctx.options.build.testCommand;
  if (!command) return results;
  for (const { platform, ref } of results)
    await core.group(`Testing ${platform}`, () => runSmokeTest(platform, ref, command, ctx.options.network));
  return results.map((r) => ({ ...r, test: 'passed' }));
}

/** A platform's Dockerfile and context: its Hub rule's (a per-platform file, a copy without QEMU lines, a context holding them), else the defaults. */
function sourcesOf(ctx: BuildsContext, platform: string): { file: string; context: string } {
  const hub = hubOf(ctx.hub, platform);
  const { options } = ctx;
  return {
    file: hub?.buildFile ?? options.build.platformFiles[platform] ?? options.file,
    context: hub?.buildContext ?? hub?.context ?? options.context,
  };
}

/** What the plan sees as a Dockerfile of a platform's own: any file or context other than the defaults. */
function ownSources(ctx: BuildsContext): Record<string, string> {
  const own: Record<string, string> = {};
  for (const p of ctx.options.platforms) {
    const platform = formatPlatform(p);
    const { file, context } = sourcesOf(ctx, platform);
    if (file !== ctx.options.file || context !== ctx.options.context) own[platform] = file;
  }
  return own;
}

/** Hub's hooks and automated tests use each platform's own image tag: then every platform builds on its own. */
export function hubNeedsOwnBuilds(hub: readonly PlatformHub[]): string | undefined {
  if (hub.some((h) => h.hooks?.present.includes('build'))) return 'hooks/build builds each platform itself';
  if (hub.some((h) => (h.hooks?.present.length ?? 0) > 0))
    return "Docker Hub's hooks use each platform's own image (IMAGE_NAME)";
  if (hub.some((h) => h.composeFile !== undefined))
    return "Docker Hub's automated tests run each platform's own image";
  return undefined;
}

export async function buildPlatforms(ctx: BuildsContext): Promise<PlatformResult[]> {
  const { platforms, build } = ctx.options;
  const secrets = writeSecrets(build.secrets, ctx.state.runDir);
  const planInputs = { platforms, build: { platformFiles: ownSources(ctx), maxParallel: build.maxParallel } };
  const plan = planBuilds(planInputs, hubNeedsOwnBuilds(ctx.hub), ctx.multiPlatform);
  core.info(describePlan(plan));
  const jobs: (Platform[] | Platform)[] = [...(plan.shared.length > 0 ? [plan.shared] : []), ...plan.own];
  const parallel = Math.min(build.maxParallel, jobs.length);
  if (parallel > 1) core.info(`Running ${jobs.length} builds, ${parallel} at a time ('max-parallel')`);
  const results = await mapPool(jobs, parallel, async (job) => {
    const built = Array.isArray(job)
      ? await buildShared(ctx, job, secrets)
      : [await buildOne(ctx, job, parallel > 1, secrets)];
    if (jobs.length > 1) ctx.onBuilt?.(built); // nothing to overlap with when one build is all
    return built;
  });
  const built = new Map(results.flat().map((r) => [r.platform, r]));
  return testAll(
    ctx,
    platforms.map((p) => built.get(formatPlatform(p)) as PlatformResult),
  );
}
