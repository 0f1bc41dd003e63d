// The job log in order: runMain's phases, one group each, and runPost's cleanup.
import * as core from '@actions/core';
import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureBuildx } from './buildx/version.js';
import { runBuild } from './buildx/build.js';
import { ActionError, errorMessage } from './errors.js';
import { run } from './exec.js';
import { removeImages } from './buildx/images.js';
import { Http, trustedCas } from './http.js';
import { checkPaths, getInputs, validateInputs, type Inputs } from './inputs.js';
import { formatProblem, keepEntry, mergeIndex, type MergedIndex } from './oci/index-merge.js';
import type { Descriptor } from './oci/types.js';
import { formatPlatform, platformSlug } from './platform.js';
import { setupEmulation, type Emulation } from './qemu/setup.js';
import { BINFMT_DIR } from './qemu/binfmt.js';
import { readBuiltImage, type BuiltImage } from './registry/built-image.js';
import { RegistryClient } from './registry/client.js';
import { RegistryClients } from './registry/clients.js';
import { copyEntries, pushIndex, type SourcedEntry } from './registry/publish.js';
import { formatReference } from './registry/reference.js';
import { readSources } from './registry/sources.js';
import { registryLogTail, startLocalRegistry, stopLocalRegistry } from './registry/service.js';
import { isPost, markMainStarted, readState, saveState, type PostState } from './state.js';
import { writeSummary, type PlatformRow } from './summary.js';
import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';

const LOCAL_REPOSITORY = 'build';

function runDirFor(runId: string): string {
  return path.join(process.env.RUNNER_TEMP || os.tmpdir(), `multiarch-${runId}`);
}

async function logEnvironment(): Promise<void> {
  core.info(`Kernel: ${os.release()}, runner arch: ${os.arch()}`);
  const docker = await run('docker', ['version', '--format', '{{.Server.Version}}'], {
    silent: true,
    allowFailure: true,
  });
  core.info(`Docker engine: ${docker.exitCode === 0 ? docker.stdout.trim() : 'not reachable'}`);
  const buildx = await ensureBuildx();
  core.info(`buildx: ${buildx}`);
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
}

function localClient(http: Http, address: string): RegistryClient {
  return new RegistryClient(http, address, { scheme: 'http' });
}

async function buildPlatforms(
  http: Http,
  inputs: Inputs,
  state: PostState,
  address: string,
): Promise<{ images: BuiltImage[]; seconds: number[] }> {
  const local = { client: localClient(http, address), repository: LOCAL_REPOSITORY };
  const images: BuiltImage[] = [];
  const seconds: number[] = [];
  for (const p of inputs.platforms) {
    const platform = formatPlatform(p);
    const tag = platformSlug(p);
    const started = Date.now();
    const ref = `${address}/${LOCAL_REPOSITORY}:${tag}`;
    state.images.push(ref);
    saveState(state);
    await core.group(`Building ${platform}`, () =>
      runBuild({
        platform,
        context: inputs.context,
        file: inputs.file,
        ref,
        metadataFile: path.join(state.runDir, `metadata-${tag}.json`),
        network: inputs.network,
        buildArgs: inputs.buildArgs,
        labels: inputs.labels,
      }),
    );
    images.push(await readBuiltImage(local, tag, platform));
    seconds.push((Date.now() - started) / 1000);
  }
  return { images, seconds };
}

/** The index the inputs ask for; a format that cannot hold the entries is an input error. */
function buildIndex(entries: readonly Descriptor[], inputs: Inputs): MergedIndex {
  const problem = formatProblem(entries, inputs.indexFormat);
  if (problem) throw new ActionError(problem);
  return mergeIndex(entries, { format: inputs.indexFormat, annotations: inputs.annotations });
}

/** Copies every entry to every tag's repository, then pushes the index: all or nothing. */
async function publish(
  clients: RegistryClients,
  inputs: Inputs,
  entries: readonly SourcedEntry[],
  index: MergedIndex,
): Promise<void> {
  const targets = await clients.targets(inputs.tags);
  const stats = await copyEntries(entries, targets);
  core.info(
    `Blobs: ${stats.blobsUploaded} uploaded (${stats.bytesUploaded} bytes), ${stats.blobsMounted} mounted, ${stats.blobsSkipped} already there`,
  );
  await pushIndex(targets, index);
}

interface Outcome {
  index: MergedIndex;
  rows: PlatformRow[];
}

/** Merge-only mode: no build, no QEMU, no local registry; the sources are merged into one index. */
async function runMergeOnly(http: Http, inputs: Inputs): Promise<Outcome> {
  const clients = new RegistryClients(http, inputs);
  const images = await core.group('Reading sources', () =>
    readSources(inputs.sources, (registry) => clients.get(registry)),
  );
  const entries = images.flatMap((i) =>
    i.entries.filter((d) => keepEntry(d, inputs.attestations)).map((d) => ({ from: i.from, descriptor: d })),
  );
  const index = buildIndex(
    entries.map((e) => e.descriptor),
    inputs,
  );
  await core.group('Merging index', async () => {
    core.info(`Index ${index.digest} (${index.mediaType}) with ${images.length} platform(s)`);
    if (inputs.push) await publish(clients, inputs, entries, index);
    else core.info("'push' is false: the sources were read and merged, nothing was written.");
  });
  const rows = images.map((i) => ({ ...i, how: `merged from ${i.source}`, seconds: 0 }));
  return { index, rows };
}

/** Build mode: emulation, the local registry, one build per platform, then the merge. */
async function runBuildAndMerge(http: Http, inputs: Inputs, state: PostState): Promise<Outcome> {
  await core.group('Environment', logEnvironment);
  const emulation: Emulation[] = await core.group('Registering QEMU emulators', async () => {
    const result = await setupEmulation(inputs.platforms, inputs.qemu);
    result.forEach((e) => core.info(`${e.platform}: ${e.how} (${e.detail})`));
    return result;
  });
  const runDir = state.runDir;
  state.registry = await core.group('Starting local registry', async () => {
    const started = await startLocalRegistry(http, runDir);
    core.info(`Local registry at ${started.address} (pid ${started.pid})`);
    return started;
  });
  saveState(state);
  const { images, seconds } = await buildPlatforms(http, inputs, state, state.registry.address);
  const local = { client: localClient(http, state.registry.address), repository: LOCAL_REPOSITORY };
  const entries = images.flatMap((i) => i.entries).filter((d) => keepEntry(d, inputs.attestations));
  const index = buildIndex(entries, inputs);
  await core.group('Merging index', async () => {
    await local.client.putManifest(LOCAL_REPOSITORY, 'index', { ...index });
    core.info(`Index ${index.digest} (${index.mediaType}) with ${images.length} platform(s)`);
    if (!inputs.push) return;
    const clients = new RegistryClients(http, inputs);
    await publish(
      clients,
      inputs,
      entries.map((descriptor) => ({ from: local, descriptor })),
      index,
    );
  });
  const rows: PlatformRow[] = images.map((img, i) => ({
    platform: img.platform,
    how: emulation[i]?.how === 'native' ? 'native' : 'emulated',
    digest: img.digest,
    size: img.size,
    seconds: seconds[i] ?? 0,
  }));
  return { index, rows };
}

async function writeOutputs(inputs: Inputs, { index, rows }: Outcome): Promise<void> {
  const tags = inputs.tags.map(formatReference);
  const first = inputs.tags[0];
  const image = first ? `${first.registry}/${first.repository}@${index.digest}` : '';
  core.setOutput('digest', index.digest);
  core.setOutput(
    'platform-digests',
    JSON.stringify(Object.fromEntries(rows.map((r) => [r.platform, r.digest]))),
  );
  core.setOutput('image', image);
  const platforms = rows.map(({ platform, how, digest, size, seconds }) => ({
    platform,
    how,
    digest,
    size,
    seconds,
  }));
  core.setOutput(
    'metadata',
    JSON.stringify({
      digest: index.digest,
      mediaType: index.mediaType,
      image,
      tags,
      pushed: inputs.push,
      platforms,
    }),
  );
  await writeSummary(platforms, {
    digest: index.digest,
    mediaType: index.mediaType,
    tags,
    pushed: inputs.push,
  });
}

export async function runMain(): Promise<void> {
  markMainStarted();
  const runId = `${process.env.GITHUB_RUN_ID ?? 'local'}-${randomBytes(4).toString('hex')}`;
  const state: PostState = { runId, runDir: runDirFor(runId), images: [] };
  saveState(state);
  const { inputs, warnings } = validateInputs(getInputs(), process.cwd());
  warnings.forEach((w) => core.warning(w));
  checkPaths(inputs);
  const http = new Http({ ca: trustedCas(inputs.caFile) });
  try {
    const outcome =
      inputs.sources.length > 0
        ? await runMergeOnly(http, inputs)
        : await runBuildAndMerge(http, inputs, state);
    await writeOutputs(inputs, outcome);
  } catch (err) {
    if (state.registry) core.debug(`Local registry log (last lines):\n${registryLogTail(state.registry)}`);
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
    const { registry, images, runDir } = state;
    if (registry)
      await cleanup(`the local registry at ${registry.address} (pid ${registry.pid})`, () =>
        stopLocalRegistry(registry),
      );
    if (images.length > 0)
      await cleanup(`${images.length} local build image(s) from the engine`, () => removeImages(images));
    await cleanup(`run directory ${runDir}`, () => rm(runDir, { recursive: true, force: true }));
  });
}

export { isPost };
