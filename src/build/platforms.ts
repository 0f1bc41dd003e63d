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
import { runHook, type HubHooks } from './hub-hooks.js';
import type { Inputs } from '../inputs/validate.js';
import { formatPlatform, platformSlug, type Platform } from '../platform.js';
import { readBuiltImage, type BuiltImage } from './built-image.js';
import { mapPool } from '../pool.js';
import type { Location } from '../registry/copy.js';
import type { EmulationReport } from '../qemu/setup.js';
import { runSmokeTest } from './smoke-test.js';
import { saveState, type PostState } from '../state.js';

export interface PlatformResult {
  platform: string;
  image: BuiltImage;
  seconds: number;
  test?: 'passed';
}

export interface BuildsContext {
  inputs: Inputs;
  state: PostState;
  local: Location;
  hooks?: HubHooks;
  hookEnv: Record<string, string>;
  emulation: EmulationReport;
}

function specFor(
  ctx: BuildsContext,
  p: Platform,
  ref: string,
  secrets: string[],
  logFile?: string,
): BuildSpec {
  const { inputs, state } = ctx;
  const slug = platformSlug(p);
  const platform = formatPlatform(p);
  return {
    platform,
    context: inputs.context,
    file: inputs.build.platformFiles[platform] ?? inputs.file,
    ref,
    metadataFile: path.join(state.runDir, `metadata-${slug}.json`),
    network: inputs.network,
    buildArgs: inputs.buildArgs,
    labels: inputs.labels,
    target: inputs.build.target,
    secrets,
    noCache: inputs.build.noCache,
    pull: inputs.build.pull,
    cacheFrom: inputs.build.cacheFrom.map((e) => scopeCacheEntry(e, slug)),
    cacheTo: inputs.build.cacheTo.map((e) => scopeCacheEntry(e, slug)),
    buildContexts: inputs.build.buildContexts,
    provenance: inputs.build.provenance,
    sbom: inputs.build.sbom,
    logFile,
    emulation: ctx.emulation.results.find((e) => e.platform === platform),
    builder: state.builder,
  };
}

/** hooks/build replaces the default build: it builds IMAGE_NAME, the action pushes it locally. */
async function runBuildHook(ctx: BuildsContext, spec: BuildSpec): Promise<void> {
  const env = {
    ...ctx.hookEnv,
    IMAGE_NAME: spec.ref,
    DOCKERFILE_PATH: path.relative(ctx.inputs.context, spec.file),
    DOCKER_DEFAULT_PLATFORM: spec.platform,
  };
  await runHook(ctx.hooks as HubHooks, 'build', env);
  await run('docker', ['push', spec.ref], { silent: Boolean(spec.logFile), logFile: spec.logFile });
}

async function buildOne(
  ctx: BuildsContext,
  p: Platform,
  buffered: boolean,
  secrets: string[],
): Promise<PlatformResult> {
  const platform = formatPlatform(p);
  const slug = platformSlug(p);
  const ref = `${ctx.local.client.registry}/${ctx.local.repository}:${slug}`;
  ctx.state.images.push(ref);
  saveState(ctx.state);
  const logFile = buffered ? path.join(ctx.state.runDir, `build-${slug}.log`) : undefined;
  const spec = specFor(ctx, p, ref, secrets, logFile);
  const build = () =>
    ctx.hooks?.present.includes('build') ? runBuildHook(ctx, spec) : runBuild(spec).then(() => undefined);
  const started = Date.now();
  if (!buffered) await core.group(`Building ${platform}`, build);
  else {
    core.info(`Building ${platform} (its log follows when it ends)`);
    try {
      await build();
    } finally {
      const log = logFile && existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
      await core.group(`Building ${platform}`, () => Promise.resolve(core.info(log.trimEnd())));
    }
  }
  const image = await readBuiltImage(ctx.local, slug, platform);
  const seconds = (Date.now() - started) / 1000;
  const command = ctx.inputs.build.testCommand;
  if (!command) return { platform, image, seconds };
  await core.group(`Testing ${platform}`, () => runSmokeTest(platform, ref, command, ctx.inputs.network));
  return { platform, image, seconds, test: 'passed' };
}

export async function buildPlatforms(ctx: BuildsContext): Promise<PlatformResult[]> {
  const { platforms, build } = ctx.inputs;
  const secrets = writeSecrets(build.secrets, ctx.state.runDir);
  const parallel = Math.min(build.maxParallel, platforms.length);
  if (parallel > 1)
    core.info(`Building ${platforms.length} platforms, ${parallel} at a time ('max-parallel')`);
  return mapPool(platforms, parallel, (p) => buildOne(ctx, p, parallel > 1, secrets));
}
