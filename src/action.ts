// The job log in order: runMain's phases, one group each, and runPost's cleanup.
import * as core from '@actions/core';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildPlatforms, type PlatformResult } from './builds.js';
import { builderName, createBuilder, removeBuilder } from './buildx/builder.js';
import { pushByDigest } from './push-by-digest.js';
import { checkDriverSupport, hasContainerdStore } from './buildx/capabilities.js';
import { removeImages } from './buildx/images.js';
import { setupBuildx } from './buildx/install.js';
import { readBuildxVersion } from './buildx/version.js';
import { useDockerConfig } from './docker-config.js';
import { errorMessage } from './errors.js';
import { run } from './exec.js';
import { findHooks, hookEnv, readCommitMessage, runHook, type HubHooks } from './hooks/hub-hooks.js';
import { Http } from './http.js';
import { checkPaths, getInputs, validateInputs, type Inputs } from './inputs.js';
import { mergeIndex, type MergedIndex } from './oci/index-merge.js';
import { BINFMT_DIR } from './qemu/binfmt.js';
import { recordEmulation, registerEmulators } from './emulation.js';
import type { EmulationReport } from './qemu/setup.js';
import { RegistryClient } from './registry/client.js';
import type { Location } from './registry/copy.js';
import { readDockerCredentials, type Credentials } from './registry/credentials.js';
import { copyEntries, pushIndex, type Target } from './registry/publish.js';
import { formatReference, isLoopbackHost } from './registry/reference.js';
import { writeOciArchive } from './registry/oci-archive.js';
import { registryLogTail, startLocalRegistry, stopLocalRegistry } from './registry/service.js';
import { cleanStaleRuns } from './stale.js';
import {
  forgetRun,
  isPost,
  markMainStarted,
  readState,
  saveState,
  type PostState,
  type RegistryState,
} from './state.js';
import { writeSummary, type PlatformRow } from './summary.js';

const LOCAL_REPOSITORY = 'build';

function runDirFor(runId: string): string {
  return path.join(process.env.RUNNER_TEMP || os.tmpdir(), `multiarch-${runId}`);
}

/** Kernel, runner, engine, the runner's buildx, binfmt state and image store. */
async function logEnvironment(): Promise<{ containerdStore: boolean }> {
  core.info(`Kernel: ${os.release()}, runner arch: ${os.arch()}`);
  const docker = await run('docker', ['version', '--format', '{{.Server.Version}}'], {
    silent: true,
    allowFailure: true,
  });
  core.info(`Docker engine: ${docker.exitCode === 0 ? docker.stdout.trim() : 'not reachable'}`);
  core.info(`buildx: ${(await readBuildxVersion()) ?? 'not installed'}`);
  let binfmt = 'not mounted';
  try {
    binfmt =
      readdirSync(BINFMT_DIR)
        .filter((n) => n.startsWith('qemu-'))
        .join(', ') || 'no qemu-* registrations';
  } catch {
    // not mounted
  }
  core.info(`binfmt_misc: ${binfmt}`);
  const containerdStore = await hasContainerdStore();
  core.info(
    `Image store: ${containerdStore ? 'containerd' : 'classic (docker driver: no attestations, inline cache only)'}`,
  );
  return { containerdStore };
}

async function targetCredentials(inputs: Inputs, registry: string): Promise<Credentials | undefined> {
  if (inputs.username)
    return {
      username: inputs.username,
      password: inputs.password,
      source: "inputs 'username' and 'password'",
    };
  return readDockerCredentials(registry);
}

async function targetsFor(http: Http, inputs: Inputs): Promise<Target[]> {
  const byRepo = new Map<string, Target>();
  for (const ref of inputs.tags) {
    const key = `${ref.registry}/${ref.repository}`;
    let target = byRepo.get(key);
    if (!target) {
      const credentials = await targetCredentials(inputs, ref.registry);
      const client = new RegistryClient(http, ref.registry, {
        credentials,
        plainHttp: isLoopbackHost(ref.registry),
      });
      target = { client, repository: ref.repository, tags: [] };
      byRepo.set(key, target);
    }
    target.tags.push(ref.tag ?? 'latest');
  }
  return [...byRepo.values()];
}

/** Index into the local registry always; to the targets only when pushing, children first. */
async function mergeAndPush(
  http: Http,
  inputs: Inputs,
  local: Location,
  results: PlatformResult[],
): Promise<MergedIndex> {
  const entries = results.flatMap((r) => r.image.entries);
  const index = mergeIndex(entries);
  await local.client.putManifest(local.repository, 'index', { ...index });
  core.info(`Index ${index.digest} (${index.mediaType}) with ${results.length} platform(s)`);
  if (inputs.pushByDigest) {
    await pushByDigest(local, await targetsFor(http, inputs), results, index, inputs.digestFile);
    return index;
  }
  if (!inputs.push) return index;
  const targets = await targetsFor(http, inputs);
  const stats = await copyEntries(local, targets, entries);
  core.info(
    `Blobs: ${stats.blobsUploaded} uploaded (${stats.bytesUploaded} bytes), ${stats.blobsSkipped} already there`,
  );
  await pushIndex(targets, index);
  return index;
}

async function writeArchive(inputs: Inputs, local: Location, index: MergedIndex): Promise<void> {
  const refName = inputs.tags[0]?.tag ?? 'latest';
  await writeOciArchive(inputs.ociArchive, local, index, refName);
  core.info(`Wrote ${index.digest} with every platform to ${inputs.ociArchive} (ref ${refName})`);
}

async function writeOutputs(
  inputs: Inputs,
  index: MergedIndex,
  results: PlatformResult[],
  emulation: EmulationReport,
): Promise<void> {
  const tags = inputs.tags.map(formatReference);
  const first = inputs.tags[0];
  const image = first ? `${first.registry}/${first.repository}@${index.digest}` : '';
  const rows: PlatformRow[] = results.map((r) => ({
    platform: r.platform,
    how: emulation.results.find((e) => e.platform === r.platform)?.how ?? 'native',
    digest: r.image.digest,
    size: r.image.size,
    seconds: r.seconds,
    test: r.test,
  }));
  core.setOutput('digest', index.digest);
  core.setOutput(
    'platform-digests',
    JSON.stringify(Object.fromEntries(results.map((r) => [r.platform, r.image.digest]))),
  );
  core.setOutput('image', image);
  core.setOutput(
    'metadata',
    JSON.stringify({
      digest: index.digest,
      mediaType: index.mediaType,
      image,
      tags,
      pushed: inputs.push || inputs.pushByDigest,
      platforms: rows,
    }),
  );
  await writeSummary(rows, {
    digest: index.digest,
    mediaType: index.mediaType,
    tags,
    pushed: inputs.push || inputs.pushByDigest,
  });
}

async function installBuildx(http: Http, inputs: Inputs, state: PostState): Promise<void> {
  const buildx = await setupBuildx(http, {
    version: inputs.buildxVersion,
    url: inputs.buildxUrl,
    runDir: state.runDir,
  });
  core.info(`buildx ${buildx.version} (${buildx.how})`);
  if (buildx.dockerConfig) {
    state.dockerConfig = buildx.dockerConfig;
    saveState(state);
    core.info(`Docker commands of this run use DOCKER_CONFIG=${buildx.dockerConfig}`);
  }
}

async function startBuilder(inputs: Inputs, state: PostState): Promise<void> {
  state.builder = builderName(state.runId);
  saveState(state); // before it exists: a half-created builder is removed in post too
  await createBuilder({ name: state.builder, image: inputs.buildkitImage, config: inputs.buildkitdConfig });
  core.info(`Builder ${state.builder} (docker-container, ${inputs.buildkitImage})`);
}

async function startRegistry(http: Http, inputs: Inputs, state: PostState): Promise<RegistryState> {
  await cleanStaleRuns(state.runId);
  const started = await startLocalRegistry(http, {
    mode: inputs.localRegistry,
    url: inputs.registryUrl,
    image: inputs.registryImage,
    runDir: state.runDir,
    runId: state.runId,
    record: (registry) => {
      state.registry = registry;
      saveState(state);
    },
  });
  const how = started.container ? `container ${started.container}` : `pid ${started.pid}`;
  core.info(`Local registry at ${started.address} (${how})`);
  return started;
}

async function hook(
  hooks: HubHooks | undefined,
  name: Parameters<typeof runHook>[1],
  env: Record<string, string>,
): Promise<void> {
  if (hooks?.present.includes(name))
    await core.group(`Running hooks/${name}`, () => runHook(hooks, name, env));
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
  const hooks = inputs.build.hooks === 'auto' ? findHooks(inputs.context, inputs.file) : undefined;
  const env = hookEnv({ ...inputs, github: process.env, commitMessage: readCommitMessage() });
  const http = new Http();
  try {
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
      client: new RegistryClient(http, registry.address, { plainHttp: true }),
      repository: LOCAL_REPOSITORY,
    };
    await hook(hooks, 'pre_build', env);
    const results = await buildPlatforms({ inputs, state, local, hooks, hookEnv: env, emulation });
    await hook(hooks, 'post_build', env);
    if (inputs.push) await hook(hooks, 'pre_push', env);
    const index = await core.group('Merging index', () => mergeAndPush(http, inputs, local, results));
    if (inputs.ociArchive) await core.group('Writing OCI archive', () => writeArchive(inputs, local, index));
    if (inputs.push) await hook(hooks, 'post_push', env);
    await writeOutputs(inputs, index, results, emulation);
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
