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
import { Http } from './http.js';
import { checkPaths, getInputs, validateInputs, type Inputs } from './inputs.js';
import { mergeIndex } from './oci/index-merge.js';
import { formatPlatform, platformSlug } from './platform.js';
import { setupEmulation, type EmulationReport } from './qemu/setup.js';
import { BINFMT_DIR } from './qemu/binfmt.js';
import { readBuiltImage, type BuiltImage } from './registry/built-image.js';
import { RegistryClient } from './registry/client.js';
import { readDockerCredentials, type Credentials } from './registry/credentials.js';
import { copyEntries, pushIndex, type Target } from './registry/publish.js';
import { formatReference, isLoopbackHost } from './registry/reference.js';
import { registryLogTail, startLocalRegistry, stopLocalRegistry } from './registry/service.js';
import { isPost, markMainStarted, readState, saveState, type PostState } from './state.js';
import { writeEmulationSummary, writeSummary, type PlatformRow } from './summary.js';
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

async function registerEmulators(inputs: Inputs, workDir: string): Promise<EmulationReport> {
  const report = await setupEmulation(inputs.platforms, {
    mode: inputs.qemu,
    image: inputs.qemuImage,
    fallbackImage: inputs.qemuFallbackImage,
    workDir,
  });
  report.notes?.forEach((n) => core.info(n));
  for (const r of report.results)
    core.info(r.how === 'failed' ? `${r.platform}: failed` : `${r.platform}: ${r.how} (${r.detail})`);
  report.warnings.forEach((w) => core.warning(w));
  return report;
}

/** Outputs and summary first, then fail naming every platform that cannot run. */
async function recordEmulation(report: EmulationReport): Promise<void> {
  const list = (how: string) =>
    report.results
      .filter((r) => r.how === how)
      .map((r) => r.platform)
      .join(',');
  core.setOutput('emulated-platforms', list('emulated'));
  core.setOutput('native-platforms', list('native'));
  await writeEmulationSummary(report.results);
  if (report.errors.length > 0) throw new ActionError(report.errors.join('\n'));
}

async function buildPlatforms(
  http: Http,
  inputs: Inputs,
  state: PostState,
  address: string,
  emulation: EmulationReport,
): Promise<{ images: BuiltImage[]; seconds: number[] }> {
  const local = {
    client: new RegistryClient(http, address, { plainHttp: true }),
    repository: LOCAL_REPOSITORY,
  };
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
        emulation: emulation.results.find((e) => e.platform === platform),
      }),
    );
    images.push(await readBuiltImage(local, tag, platform));
    seconds.push((Date.now() - started) / 1000);
  }
  return { images, seconds };
}

export async function runMain(): Promise<void> {
  markMainStarted();
  const runId = `${process.env.GITHUB_RUN_ID ?? 'local'}-${randomBytes(4).toString('hex')}`;
  const state: PostState = { runId, runDir: runDirFor(runId), images: [] };
  saveState(state);
  const { inputs, warnings } = validateInputs(getInputs(), process.cwd());
  warnings.forEach((w) => core.warning(w));
  checkPaths(inputs);
  const http = new Http();
  try {
    await core.group('Environment', logEnvironment);
    const emulation = await core.group('Registering QEMU emulators', () =>
      registerEmulators(inputs, state.runDir),
    );
    await recordEmulation(emulation);
    const runDir = state.runDir;
    state.registry = await core.group('Starting local registry', async () => {
      const started = await startLocalRegistry(http, runDir);
      core.info(`Local registry at ${started.address} (pid ${started.pid})`);
      return started;
    });
    saveState(state);
    const { images, seconds } = await buildPlatforms(http, inputs, state, state.registry.address, emulation);
    const local = {
      client: new RegistryClient(http, state.registry.address, { plainHttp: true }),
      repository: LOCAL_REPOSITORY,
    };
    const entries = images.flatMap((i) => i.entries);
    const index = mergeIndex(entries);
    await core.group('Merging index', async () => {
      await local.client.putManifest(LOCAL_REPOSITORY, 'index', { ...index });
      core.info(`Index ${index.digest} (${index.mediaType}) with ${images.length} platform(s)`);
      if (!inputs.push) return;
      const targets = await targetsFor(http, inputs);
      const stats = await copyEntries(local, targets, entries);
      core.info(
        `Blobs: ${stats.blobsUploaded} uploaded (${stats.bytesUploaded} bytes), ${stats.blobsSkipped} already there`,
      );
      await pushIndex(targets, index);
    });
    const platformDigests = Object.fromEntries(images.map((i) => [i.platform, i.digest]));
    const tags = inputs.tags.map(formatReference);
    const first = inputs.tags[0];
    const image = first ? `${first.registry}/${first.repository}@${index.digest}` : '';
    const rows: PlatformRow[] = images.map((img, i) => ({
      platform: img.platform,
      how: emulation.results.find((e) => e.platform === img.platform)?.how ?? 'emulated',
      digest: img.digest,
      size: img.size,
      seconds: seconds[i] ?? 0,
    }));
    core.setOutput('digest', index.digest);
    core.setOutput('platform-digests', JSON.stringify(platformDigests));
    core.setOutput('image', image);
    core.setOutput(
      'metadata',
      JSON.stringify({
        digest: index.digest,
        mediaType: index.mediaType,
        image,
        tags,
        pushed: inputs.push,
        platforms: rows,
      }),
    );
    await writeSummary(rows, { digest: index.digest, mediaType: index.mediaType, tags, pushed: inputs.push });
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
