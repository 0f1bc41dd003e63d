// Build mode: emulation, buildx, the local registry, one build per platform,
// Docker Hub hooks around them, then the merge and the archive.
import * as core from '@actions/core';
import { checkDriverSupport } from '../buildx/capabilities.js';
import type { Http } from '../http.js';
import type { Outcome } from '../publish/outputs.js';
import { writeArchive } from '../publish/archive.js';
import { RegistryClient } from '../registry/client.js';
import type { RegistryClients } from '../registry/clients.js';
import { saveState, type PostState } from '../state.js';
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
import { planHub } from './hooks/plan.js';
import { mergeBuilt } from './merge.js';
import type { BuildModeOptions } from './options.js';
import { buildPlatforms, localRef } from './platforms.js';
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
  const registry = await core.group('Starting local registry', () => startRegistry(http, options, state));
  const local = {
    client: new RegistryClient(http, registry.address, { scheme: 'http' }),
    repository: LOCAL_REPOSITORY,
  };
  return { emulation, local };
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
  const { emulation, local } = await setUp(http, options, state);
  if (options.build.hooks === 'auto') skipQemuLines(hub, emulation, state.runDir);
  await hubOnce(hub, 'pre_build');
  const results = await buildPlatforms({ options, state, local, hub, emulation });
  const ref = (platform: string) => localRef(local, platform);
  await hubEach(hub, 'post_build', ref);
  await hubTests(hub, { ...state, compose, localRef: ref, network: options.network });
  const pushHooks = options.push && customPushes(hub).length > 0;
  if (options.push) await hubOnce(hub, 'pre_push');
  if (options.push && !pushHooks) await hubEach(hub, 'push', ref); // recognised: each says so and is skipped
  const publish = pushHooks ? { ...options, push: false } : options;
  const index = await core.group('Merging index', () => mergeBuilt(clients, publish, local, results));
  if (options.ociArchive)
    await core.group('Writing OCI archive', () => writeArchive(options, () => local, index));
  if (pushHooks) await hubPush(hub, ref, (image) => remember(state, image));
  if (options.push) await hubOnce(hub, 'post_push');
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
