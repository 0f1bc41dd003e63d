// Build mode: emulation, buildx, the local registry, the builds (platforms.ts),
// Docker Hub hooks around them (hooks/), then the merge and the archive.
import * as core from '@actions/core';
import { checkDriverSupport } from '../buildx/capabilities.js';
import { LOCAL_RETRY, type Http } from '../http.js';
import type { Outcome } from '../publish/outputs.js';
import { writeArchive } from '../publish/archive.js';
import { RegistryClient } from '../registry/client.js';
import type { RegistryClients } from '../registry/clients.js';
import { saveState, type PostState } from '../state.js';
import { Timeline } from '../timeline.js';
import { recordEmulation, registerEmulators } from './emulation.js';
import { readCommitMessage } from './hooks/env.js';
import {
  customPushes,
  hubEach,
  hubOnce,
  hubPush,
  hubTests,
  prepareHub,
  skipQemuLines,
} from './hooks/phases.js';
import { planHub, type PlatformHub } from './hooks/plan.js';
import { mergeBuilt } from './merge.js';
import type { BuildModeOptions } from './options.js';
import { buildPlatforms, localRef, type PlatformResult } from './platforms.js';
import { installBuildx, logEnvironment, startBuilder, startRegistry } from './setup.js';

const LOCAL_REPOSITORY = 'build';

/** An image the action put in the engine, for post to remove. */
function remember(state: PostState, image: string): void {
  state.images.push(image);
  saveState(state);
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
  const { registry, login } = await core.group('Starting local registry', () =>
    startRegistry(http, options, state),
  );
  const { username, password } = login;
  const credentials = { username, password, source: "this run's own login to the local registry" };
  const client = new RegistryClient(http, registry.address, {
    scheme: 'http',
    retry: LOCAL_RETRY,
    credentials,
  });
  const local = { client, repository: LOCAL_REPOSITORY };
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

/** Hub's post_build, tests and pre_push after the builds; answers whether push hooks replace the push. */
async function afterBuilds(
  hub: PlatformHub[],
  options: BuildModeOptions,
  state: PostState,
  ref: (p: string) => string,
  compose: Awaited<ReturnType<typeof prepareHub>>,
): Promise<boolean> {
  await hubEach(hub, 'post_build', ref);
  await hubTests(hub, { ...state, compose, localRef: ref, network: options.network });
  const pushHooks = options.push && customPushes(hub).length > 0;
  if (options.push) await hubOnce(hub, 'pre_push');
  if (options.push && !pushHooks) await hubEach(hub, 'push', ref); // recognised: each says so and is skipped
  return pushHooks;
}

export async function runBuildMode(
  http: Http,
  clients: RegistryClients,
  options: BuildModeOptions,
  state: PostState,
): Promise<Outcome> {
  const hub = planHub(options, readCommitMessage());
  const compose = await prepareHub(hub, options);
  await hubOnce(hub, 'post_checkout');
  const timeline = new Timeline();
  const label = 'Environment, emulation, buildx, local registry';
  const { emulation, local, multiPlatform } = await timeline.time('Set-up', label, () =>
    setUp(http, options, state),
  );
  if (options.build.hooks === 'auto') skipQemuLines(hub, emulation, state.runDir);
  await hubOnce(hub, 'pre_build');
  const results = await buildPlatforms({ options, state, local, hub, emulation, multiPlatform });
  const how = (p: string) => emulation.results.find((e) => e.platform === p)?.how ?? 'native';
  recordBuilds(timeline, results, how);
  const ref = (platform: string) => localRef(local, platform);
  const pushHooks = await afterBuilds(hub, options, state, ref, compose);
  const publish = pushHooks ? { ...options, push: false } : options;
  const index = await core.group('Merging index', () =>
    mergeBuilt(clients, publish, local, results, timeline),
  );
  if (options.ociArchive)
    await core.group('Writing OCI archive', () => writeArchive(options, () => local, index));
  if (pushHooks) await hubPush(hub, ref, (image) => remember(state, image));
  if (options.push) await hubOnce(hub, 'post_push');
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
