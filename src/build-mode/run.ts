// Build mode: set-up (emulation, buildx, the local registry), the builds
// (platforms.ts), then the publish and the archive; Docker Hub's hooks and
// tests wrap those phases from outside (hub/lifecycle.ts).
import { LocalStorageSource } from '../local-registry/storage-source.js';
import type { Repo } from '../oci/image-source.js';
import * as core from '@actions/core';
import { checkCallSupport, runCalls, type CallTarget } from '../buildx/call.js';
import { readBuildRefs } from '../buildx/build.js';
import { checkDriverSupport } from '../buildx/capabilities.js';
import { type Http } from '../http.js';
import { LOCAL_RETRY } from '../retry.js';
import type { Outcome } from '../publish/outputs.js';
import { writeArchive } from '../publish/archive.js';
import { RegistryClient } from '../registry/client.js';
import type { RegistryClients } from '../registry/clients.js';
import { saveState, type PostState } from '../state.js';
import { Timeline } from '../timeline.js';
import { recordEmulation, registerEmulators } from './emulation.js';
import { readCommitMessage } from './hub/env.js';
import { buildHooks, type BuildHooks } from './hub/lifecycle.js';
import type { PlatformHub } from './hub/plan.js';
import { EarlyCopies } from './early-copies.js';
import { loadImages, loadPlan } from './load.js';
import { publishBuilt } from './publish-built.js';
import { referrerRows } from '../publish/referrers-rows.js';
import type { BuildModeOptions } from './options.js';
import {
  buildPlatforms,
  localRef,
  LOCAL_REPOSITORY,
  type BuildsContext,
  type PlatformResult,
} from './platforms.js';
import { installBuildx, logEnvironment, startBuilder, startRegistry, type Probed } from './setup.js';
import { useExistingBuilder, type BuilderCaps } from './use-builder.js';

/** The engine as checked before the pre-flight: its version, and buildx and the image store, being read. */
export interface Engine {
  version: string;
  probed: Promise<Probed>;
}

/** An image the action put in the engine, for post to remove. */
function remember(state: PostState, image: string): void {
  state.images.push(image);
  saveState(state);
}

/** Everything before the first build: environment, emulation, buildx, builder, local registry. */
async function setUp(http: Http, options: BuildModeOptions, state: PostState, engine: Engine) {
  const { containerdStore, buildx } = await core.group('Environment', () =>
    logEnvironment(engine.version, engine.probed),
  );
  if (!options.builder) checkDriverSupport(options.build, options.driver, containerdStore, engine.version);
  const emulation = await core.group('Registering QEMU emulators', () =>
    registerEmulators(options, state.runDir),
  );
  await recordEmulation(emulation);
  const version = await core.group('Setting up buildx', () => installBuildx(http, options, state, buildx));
  checkCallSupport(options.build.call, version);
  let caps: BuilderCaps = {
    multiPlatform: options.driver === 'docker-container' || containerdStore,
    packed: options.driver === 'docker' && containerdStore,
  };
  if (options.builder)
    caps = await core.group(`Inspecting builder ${options.builder}`, () =>
      useExistingBuilder(options, state),
    );
  else if (options.driver === 'docker-container')
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
  // What is copied out of the local registry comes from its files on this machine where it can.
  const source = registry.storage ? new LocalStorageSource(client, registry.storage) : client;
  const localSource = { client: source, repository: LOCAL_REPOSITORY };
  return { emulation, local, localSource, containerdStore, ...caps };
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

/**
 * Blobs go up while other platforms build when the push is the action's own
 * (no Hub hooks or tests, which run first and may replace it) and no smoke test
 * has yet to pass.
 */
function earlyCopies(
  clients: RegistryClients,
  options: BuildModeOptions,
  hooks: BuildHooks,
  local: Repo,
  timeline: Timeline,
): EarlyCopies | undefined {
  if (!(options.push || options.pushByDigest) || hooks.runsBeforePush || options.build.testCommand)
    return undefined;
  return new EarlyCopies(() => clients.targets(options.tags), local, options.attestations, timeline);
}

/** The builds, each starting its early copy; a failed build still waits for the copies under way. */
async function buildWith(ctx: BuildsContext, early?: EarlyCopies): Promise<PlatformResult[]> {
  try {
    return await buildPlatforms({ ...ctx, onBuilt: early && ((built) => early.start(built)) });
  } catch (err) {
    await early?.settle().catch(() => undefined);
    throw err;
  }
}

/** The summary's table: a row per platform. */
function rowsOf(results: readonly PlatformResult[], how: (p: string) => string) {
  return results.map((r) => ({
    platform: r.platform,
    how: how(r.platform),
    digest: r.image.digest,
    configDigest: r.image.configDigest,
    size: r.image.size,
    seconds: r.seconds,
    build: r.build,
    test: r.test,
  }));
}

/** 'call' other than build: each platform's Dockerfile evaluated (buildx --call), a builder's worth at once. */
async function evaluate(
  options: BuildModeOptions,
  hub: readonly PlatformHub[],
  multiPlatform: boolean,
  builder?: string,
) {
  const targets: CallTarget[] = [];
  for (const p of hub) {
    const same = targets.find((t) => t.file === p.buildFile && t.context === p.context);
    if (same && multiPlatform) same.platform += `,${p.platform}`;
    else targets.push({ platform: p.platform, file: p.buildFile, context: p.context });
  }
  const { call, target, buildContexts } = options.build;
  const opts = { call, target, buildContexts, buildArgs: options.buildArgs, builder };
  await core.group(`Evaluating the build (call: ${call})`, () => runCalls(targets, opts));
}

type SetUp = Awaited<ReturnType<typeof setUp>>;

/** The builds, the hooks around them, the publish, the archive and the load. */
async function buildAndPublish(
  clients: RegistryClients,
  options: BuildModeOptions,
  state: PostState,
  { hooks, timeline }: { hooks: BuildHooks; timeline: Timeline },
  { emulation, local, localSource, multiPlatform, packed, engineContext, containerdStore }: SetUp,
): Promise<Outcome> {
  await hooks.afterSetUp(emulation, state.runDir);
  const early = earlyCopies(clients, options, hooks, localSource, timeline);
  const hub = hooks.platforms;
  const results = await buildWith(
    { options, state, local, hub, emulation, multiPlatform, packed, engineContext },
    early,
  );
  const how = (p: string) => emulation.results.find((e) => e.platform === p)?.how ?? 'native';
  recordBuilds(timeline, results, how);
  const ref = (platform: string) => localRef(local, platform);
  const pushReplaced = await hooks.afterBuilds(state, ref);
  const publish = pushReplaced ? { ...options, push: false } : options;
  const { index, referrers } = await core.group('Merging index', () =>
    publishBuilt(clients, publish, { local, localSource }, results, timeline, early),
  );
  if (options.ociArchive)
    await core.group('Writing OCI archive', () => writeArchive(options, () => localSource, index));
  await hooks.afterPublish(ref, (image) => remember(state, image), pushReplaced);
  if (options.load) {
    const source = `${local.client.registry}/${local.repository}@${index.digest}`;
    const native = emulation.results.filter((e) => e.how === 'native').map((e) => e.platform);
    const plan = loadPlan(
      results.map((r) => r.platform),
      native,
      containerdStore,
    );
    await core.group('Loading images', () => loadImages(source, options.tags, plan));
  }
  const buildRefs = readBuildRefs(state.runDir);
  const rows = rowsOf(results, how);
  return { index, rows, timeline: timeline.phases, referrers: referrerRows(referrers), buildRefs };
}

export async function runBuildMode(
  http: Http,
  clients: RegistryClients,
  options: BuildModeOptions,
  state: PostState,
  engine: Engine,
): Promise<Outcome | undefined> {
  const hooks = await buildHooks(options, readCommitMessage());
  await hooks.afterCheckout();
  const timeline = new Timeline();
  const label = 'Environment, emulation, buildx, local registry';
  const set = await timeline.time('Set-up', label, () => setUp(http, options, state, engine));
  if (options.build.call !== 'build') {
    await evaluate(options, hooks.platforms, set.multiPlatform, state.builder);
    return undefined; // as buildx --call: nothing built, so no outputs
  }
  return buildAndPublish(clients, options, state, { hooks, timeline }, set);
}
