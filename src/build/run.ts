// Build mode: emulation, buildx, the local registry, the builds (platforms.ts),
// Docker Hub hooks around them, then the merge and the archive.
import * as core from '@actions/core';
import { checkDriverSupport } from '../buildx/capabilities.js';
import { LOCAL_RETRY, type Http } from '../http.js';
import type { Outcome } from '../publish/outputs.js';
import { writeArchive } from '../publish/archive.js';
import { RegistryClient } from '../registry/client.js';
import type { RegistryClients } from '../registry/clients.js';
import type { PostState } from '../state.js';
import { Timeline } from '../timeline.js';
import { recordEmulation, registerEmulators } from './emulation.js';
import { findHooks, hookEnv, readCommitMessage, runHook, type HookName, type HubHooks } from './hub-hooks.js';
import { mergeBuilt } from './merge.js';
import type { BuildModeOptions } from './options.js';
import { buildPlatforms, type PlatformResult } from './platforms.js';
import { installBuildx, logEnvironment, startBuilder, startRegistry } from './setup.js';

const LOCAL_REPOSITORY = 'build';

async function hook(hooks: HubHooks | undefined, name: HookName, env: Record<string, string>): Promise<void> {
  if (hooks?.present.includes(name))
    await core.group(`Running hooks/${name}`, () => runHook(hooks, name, env));
}

/** Everything before the first build: environment, emulation, buildx, builder, local registry. */
async function setUp(http: Http, options: BuildModeOptions, state: PostState) {
  const { containerdStore } = await core.group('Environment', logEnvironment);
  checkDriverSupport(options.build, options.driver, containerdStore);
  const emulation = await core.group('Registering QEMU emulators', () =>
    registerEmulators(options, state.runDir),
  );
  await recordEmulation(emulation);
  await core.group('Setting up buildx', () => installBuildx(http, options, state));
  if (options.driver === 'docker-container')
    await core.group('Creating builder', () => startBuilder(options, state));
  const registry = await core.group('Starting local registry', () => startRegistry(http, options, state));
  const local = {
    client: new RegistryClient(http, registry.address, { scheme: 'http', retry: LOCAL_RETRY }),
    repository: LOCAL_REPOSITORY,
  };
  const multiPlatform = options.driver === 'docker-container' || containerdStore;
  return { emulation, local, multiPlatform };
}

/** Each platform's build on the timeline (emulated ones critical), and a one build's export once. */
function recordBuilds(timeline: Timeline, results: readonly PlatformResult[], how: (p: string) => string) {
  for (const r of results) {
    const crit = how(r.platform) === 'emulated';
    timeline.add({ section: 'Builds', label: `${r.platform} ${how(r.platform)}`, crit, ...r });
  }
  const exported = results.find((r) => r.exported)?.exported;
  if (exported)
    timeline.add({ section: 'Builds', label: 'One build: export to the local registry', ...exported });
}

export async function runBuildMode(
  http: Http,
  clients: RegistryClients,
  options: BuildModeOptions,
  state: PostState,
): Promise<Outcome> {
  const hooks = options.build.hooks === 'auto' ? findHooks(options.context, options.file) : undefined;
  const env = hookEnv({ ...options, github: process.env, commitMessage: readCommitMessage() });
  const timeline = new Timeline();
  const label = 'Environment, emulation, buildx, local registry';
  const set = await timeline.time('Set-up', label, () => setUp(http, options, state));
  const { emulation, local, multiPlatform } = set;
  await hook(hooks, 'pre_build', env);
  const ctx = { options, state, local, hooks, hookEnv: env, emulation, multiPlatform };
  const results = await buildPlatforms(ctx);
  const how = (p: string) => emulation.results.find((e) => e.platform === p)?.how ?? 'native';
  recordBuilds(timeline, results, how);
  await hook(hooks, 'post_build', env);
  if (options.push) await hook(hooks, 'pre_push', env);
  const index = await core.group('Merging index', () =>
    mergeBuilt(clients, options, local, results, timeline),
  );
  if (options.ociArchive)
    await core.group('Writing OCI archive', () => writeArchive(options, () => local, index));
  if (options.push) await hook(hooks, 'post_push', env);
  const rows = results.map((r) => ({
    platform: r.platform,
    how: how(r.platform),
    digest: r.image.digest,
    size: r.image.size,
    seconds: r.seconds,
    build: r.build,
    test: r.test,
  }));
  return { index, rows, timeline: timeline.phases };
}
