// The builds phase: every platform built into the local registry, at most
// 'max-parallel' at once, each log in its own group (buffered and printed
// whole when builds run side by side), then its smoke test.
import * as core from '@actions/core';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runBuild, type BuildSpec } from '../buildx/build.js';
import { scopeCacheEntry } from '../buildx/cache.js';
import { writeSecrets } from '../buildx/secrets.js';
import { run } from '../exec.js';
import { hubOf, type PlatformHub } from './hooks/plan.js';
import { runHook } from './hooks/run-hook.js';
import type { BuildModeOptions } from './options.js';
import { formatPlatform, platformSlug, type Platform } from '../platform.js';
import { readBuiltImage, type BuiltImage } from './built-image.js';
import { mapPool } from '../pool.js';
import type { Location } from '../registry/copy.js';
import type { EmulationReport } from '../qemu/setup.js';
import { explainFailedBuild } from './explain.js';
import { runSmokeTest } from './smoke-test.js';
import { saveState, type PostState } from '../state.js';

export interface PlatformResult {
  platform: string;
  image: BuiltImage;
  seconds: number;
  test?: 'passed';
}

export interface BuildsContext {
  options: BuildModeOptions;
  state: PostState;
  local: Location;
  /** Each platform's Dockerfile, context and Docker Hub hooks. */
  hub: PlatformHub[];
  emulation: EmulationReport;
}

function specFor(
  ctx: BuildsContext,
  p: Platform,
  ref: string,
  secrets: string[],
  logFile?: string,
): BuildSpec {
  const { options, state } = ctx;
  const slug = platformSlug(p);
  const platform = formatPlatform(p);
  const hub = hubOf(ctx.hub, platform);
  return {
    platform,
    context: hub?.context ?? options.context,
    file: hub?.buildFile ?? options.build.platformFiles[platform] ?? options.file,
    ref,
    metadataFile: path.join(state.runDir, `metadata-${slug}.json`),
    network: options.network,
    buildArgs: options.buildArgs,
    labels: options.labels,
    target: options.build.target,
    secrets,
    noCache: options.build.noCache,
    pull: options.build.pull,
    cacheFrom: options.build.cacheFrom.map((e) => scopeCacheEntry(e, slug)),
    cacheTo: options.build.cacheTo.map((e) => scopeCacheEntry(e, slug)),
    buildContexts: options.build.buildContexts,
    provenance: options.build.provenance,
    sbom: options.build.sbom,
    logFile,
    builder: state.builder,
  };
}

/** hooks/build replaces the default build: it builds IMAGE_NAME, the action pushes it locally; false when it is skipped. */
async function runBuildHook(ctx: BuildsContext, spec: BuildSpec): Promise<boolean> {
  const hub = hubOf(ctx.hub, spec.platform);
  const env = { ...hub?.env, IMAGE_NAME: spec.ref, DOCKER_DEFAULT_PLATFORM: spec.platform };
  if ((await runHook(hub?.hooks, 'build', env, { group: false })) !== 'ran') return false;
  await run('docker', ['push', spec.ref], { silent: Boolean(spec.logFile), logFile: spec.logFile });
  return true;
}

/** Where a platform's image is in the local registry. */
export function localRef(local: Location, platform: string): string {
  return `${local.client.registry}/${local.repository}:${platform.replace(/\//g, '-')}`;
}

/**
 * The build, or hooks/build: answers the digest buildx reported in
 * --metadata-file, so the image is read back by digest, never by a tag that
 * could move; undefined after a build hook (read by its tag).
 */
async function buildImage(ctx: BuildsContext, spec: BuildSpec): Promise<string | undefined> {
  if (await runBuildHook(ctx, spec)) return undefined;
  try {
    return (await runBuild(spec)).digest;
  } catch (err) {
    const emulation = ctx.emulation.results.find((e) => e.platform === spec.platform);
    throw explainFailedBuild(err, spec.platform, emulation);
  }
}

/** The build's log in a group of its own: streamed, or (builds side by side) printed whole when it ends. */
async function inGroup<T>(platform: string, logFile: string | undefined, fn: () => Promise<T>): Promise<T> {
  if (!logFile) return core.group(`Building ${platform}`, fn);
  core.info(`Building ${platform} (its log follows when it ends)`);
  try {
    return await fn();
  } finally {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    await core.group(`Building ${platform}`, () => Promise.resolve(core.info(log.trimEnd())));
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
  const spec = specFor(ctx, p, ref, secrets, logFile);
  const started = Date.now();
  const digest = await inGroup(platform, logFile, () => buildImage(ctx, spec));
  const image = await readBuiltImage(ctx.local, digest ?? slug, platform);
  const seconds = (Date.now() - started) / 1000;
  const command = ctx.options.build.testCommand;
  if (!command) return { platform, image, seconds };
  await core.group(`Testing ${platform}`, () => runSmokeTest(platform, ref, command, ctx.options.network));
  return { platform, image, seconds, test: 'passed' };
}

export async function buildPlatforms(ctx: BuildsContext): Promise<PlatformResult[]> {
  const { platforms, build } = ctx.options;
  const secrets = writeSecrets(build.secrets, ctx.state.runDir);
  const parallel = Math.min(build.maxParallel, platforms.length);
  if (parallel > 1)
    core.info(`Building ${platforms.length} platforms, ${parallel} at a time ('max-parallel')`);
  return mapPool(platforms, parallel, (p) => buildOne(ctx, p, parallel > 1, secrets));
}
