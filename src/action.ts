// The job log in order: runMain's phases, one group each, and runPost's cleanup.
import * as core from '@actions/core';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { installBuildx, logEnvironment, startBuilder, startRegistry } from './build/setup.js';
import { buildPlatforms } from './build/platforms.js';
import { removeBuilder } from './buildx/builder.js';
import { checkDriverSupport } from './buildx/capabilities.js';
import { removeImages } from './buildx/images.js';
import { useDockerConfig } from './buildx/docker-config.js';
import { recordEmulation, registerEmulators } from './build/emulation.js';
import { errorMessage } from './errors.js';
import {
  findHooks,
  hookEnv,
  readCommitMessage,
  runHook,
  type HookName,
  type HubHooks,
} from './build/hub-hooks.js';
import { Http, trustedCas } from './http.js';
import { checkPaths, getInputs, validateInputs, type Inputs } from './inputs/validate.js';
import { mergeBuilt, writeArchive } from './publish/merge.js';
import { runMergeOnly } from './merge/merge-only.js';
import { writeOutputs, type Outcome } from './publish/outputs.js';
import { RegistryClient } from './registry/client.js';
import { registryLogTail, stopLocalRegistry } from './local-registry/service.js';
import { forgetRun, isPost, markMainStarted, readState, saveState, type PostState } from './state.js';

const LOCAL_REPOSITORY = 'build';

function runDirFor(runId: string): string {
  return path.join(process.env.RUNNER_TEMP || os.tmpdir(), `multiarch-${runId}`);
}

async function hook(hooks: HubHooks | undefined, name: HookName, env: Record<string, string>): Promise<void> {
  if (hooks?.present.includes(name))
    await core.group(`Running hooks/${name}`, () => runHook(hooks, name, env));
}

/** Build mode: emulation, buildx, the local registry, one build per platform, then the merge. */
async function runBuildAndMerge(http: Http, inputs: Inputs, state: PostState): Promise<Outcome> {
  const hooks = inputs.build.hooks === 'auto' ? findHooks(inputs.context, inputs.file) : undefined;
  const env = hookEnv({ ...inputs, github: process.env, commitMessage: readCommitMessage() });
  const { containerdStore } = await core.group('Environment', logEnvironment);
  checkDriverSupport(inputs.build, inputs.driver, containerdStore);
  const emulation = await core.group('Registering QEMU emulators', () =>
    registerEmulators(inputs, state.runDir),
  );
  await recordEmulation(emulation);
  await core.group('Setting up buildx', () => installBuildx(http, inputs, state));
  if (inputs.driver === 'docker-container')
    await core.group('Creating builder', () => startBuilder(inputs, state));
  const registry = await core.group('Starting local registry', () => startRegistry(http, inputs, state));
  const local = {
    client: new RegistryClient(http, registry.address, { scheme: 'http' }),
    repository: LOCAL_REPOSITORY,
  };
  await hook(hooks, 'pre_build', env);
  const results = await buildPlatforms({ inputs, state, local, hooks, hookEnv: env, emulation });
  await hook(hooks, 'post_build', env);
  if (inputs.push) await hook(hooks, 'pre_push', env);
  const index = await core.group('Merging index', () => mergeBuilt(http, inputs, local, results));
  if (inputs.ociArchive)
    await core.group('Writing OCI archive', () => writeArchive(inputs, () => local, index));
  if (inputs.push) await hook(hooks, 'post_push', env);
  const rows = results.map((r) => ({
    platform: r.platform,
    how: emulation.results.find((e) => e.platform === r.platform)?.how ?? 'native',
    digest: r.image.digest,
    size: r.image.size,
    seconds: r.seconds,
    test: r.test,
  }));
  return { index, rows };
}

export async function runMain(): Promise<void> {
  markMainStarted();
  const runId = `${process.env.GITHUB_RUN_ID ?? 'local'}-${randomBytes(4).toString('hex')}`;
  const state: PostState = { runId, runDir: runDirFor(runId), images: [] };
  mkdirSync(state.runDir, { recursive: true, mode: 0o700 }); // before saving: a ledger entry without its dir looks stale
  saveState(state);
  const { inputs, warnings } = validateInputs(getInputs(), process.cwd(), os.availableParallelism());
  warnings.forEach((w) => core.warning(w));
  checkPaths(inputs);
  const http = new Http({ ca: trustedCas(inputs.caFile) });
  try {
    const mergeOnly = inputs.sources.length > 0 || inputs.sourcesFrom !== '';
    const outcome = mergeOnly
      ? await runMergeOnly(http, inputs)
      : await runBuildAndMerge(http, inputs, state);
    await writeOutputs(inputs, outcome);
  } catch (err) {
    if (state.registry)
      core.debug(`Local registry log (last lines):\n${await registryLogTail(state.registry)}`);
    throw err;
  } finally {
    await http.close();
  }
}

/** Each cleanup on its own: a failure is a warning naming the resource, never a failed job. */
async function cleanup(what: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
    core.info(`Removed ${what}`);
  } catch (err) {
    core.warning(`Could not remove ${what}: ${errorMessage(err)}`);
  }
}

export async function runPost(): Promise<void> {
  const state = readState();
  if (!state) return;
  await core.group('Cleaning up', async () => {
    const { registry, images, runDir, builder, dockerConfig } = state;
    if (dockerConfig && existsSync(dockerConfig)) useDockerConfig(dockerConfig);
    if (builder) await cleanup(`builder ${builder}`, () => removeBuilder(builder));
    if (registry) {
      const how = registry.container ? `container ${registry.container}` : `pid ${registry.pid}`;
      await cleanup(`the local registry at ${registry.address} (${how})`, () => stopLocalRegistry(registry));
    }
    if (images.length > 0) {
      await cleanup(`${images.length} local build image(s) from the engine`, () => removeImages(images));
    }
    await cleanup(`run directory ${runDir}`, () => rm(runDir, { recursive: true, force: true }));
    forgetRun(state.runId);
  });
}

export { isPost };
