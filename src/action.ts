// The job log in order: runMain's phases, one group each, and runPost's cleanup.
import * as core from '@actions/core';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { printHooksCheck } from './build-mode/hub/check.js';
import { runBuildMode, type Engine } from './build-mode/run.js';
import { probeEnvironment } from './build-mode/setup.js';
import { checkBuildRunner } from './build-mode/runner.js';
import { removeBuilder } from './buildx/builder.js';
import { useDockerConfig } from './buildx/docker-config.js';
import { cancelledSignal } from './cancel.js';
import { removeImages } from './buildx/images.js';
import { errorMessage } from './errors.js';
import { Http, trustedCas } from './http.js';
import { readInputs } from './inputs/inputs.js';
import type { Inputs } from './inputs/validate.js';
import { registryLogTail, stopLocalRegistry } from './local-registry/service.js';
import { runMergeOnly } from './merge-mode/merge-only.js';
import { writeOutputs } from './publish/outputs.js';
import { startTargetChecks } from './publish/preflight.js';
import { cancelledError } from './publish/reached.js';
import { RegistryClients } from './registry/clients.js';
import {
  forgetRun,
  isPost,
  markMainStarted,
  readState,
  RUN_MARKER,
  saveState,
  type PostState,
} from './state.js';

function runDirFor(runId: string): string {
  return path.join(process.env.RUNNER_TEMP || os.tmpdir(), `multiarch-${runId}`);
}

/** One client per registry for the run; the login is for the tags' registries. */
function registryClients(http: Http, inputs: Inputs): RegistryClients {
  const { username, password, tags, insecureRegistries } = inputs;
  const login = username
    ? {
        username,
        password,
        registries: tags.map((t) => t.registry),
        source: "inputs 'username' and 'password'",
      }
    : undefined;
  return new RegistryClients(http, { login, insecure: insecureRegistries });
}

/** The local registry's last lines at debug level; reading them never hides the run's own error. */
async function debugRegistryLog(registry: NonNullable<PostState['registry']>): Promise<void> {
  try {
    core.debug(`Local registry log (last lines):\n${await registryLogTail(registry)}`);
  } catch (err) {
    core.debug(`Could not read the local registry log: ${errorMessage(err)}`);
  }
}

/** The engine checked (its errors first), buildx and the image store read while the pre-flight ends. */
async function checkEngine(checks: { report: () => Promise<void> } | undefined): Promise<Engine> {
  const version = await checkBuildRunner();
  const probed = probeEnvironment();
  probed.catch(() => undefined); // awaited by set-up, after the checks
  await checks?.report();
  return { version, probed };
}

export async function runMain(): Promise<void> {
  markMainStarted();
  const runId = `${process.env.GITHUB_RUN_ID ?? 'local'}-${randomBytes(4).toString('hex')}`;
  const state: PostState = { runId, runDir: runDirFor(runId), images: [], marked: true };
  mkdirSync(state.runDir, { recursive: true, mode: 0o700 }); // before saving: a ledger entry without its dir looks stale
  writeFileSync(path.join(state.runDir, RUN_MARKER), `${runId}\n`, { mode: 0o600 });
  saveState(state);
  const { inputs, warnings } = readInputs(process.cwd(), os.availableParallelism());
  warnings.forEach((w) => core.warning(w));
  if (inputs.mode === 'build' && inputs.build.hooks === 'check') return printHooksCheck(inputs);
  const http = new Http({ ca: trustedCas(inputs.caFile) });
  try {
    const clients = registryClients(http, inputs);
    // The pre-flight's round trips run beside what leaves nothing behind: the engine's checks here,
    // the sources' reads in merge-only mode. Its group comes before anything slow starts.
    const checks = inputs.push || inputs.pushByDigest ? startTargetChecks(clients, inputs.tags) : undefined;
    const outcome =
      inputs.mode === 'merge'
        ? await runMergeOnly(clients, inputs, checks?.report)
        : await runBuildMode(http, clients, inputs, state, await checkEngine(checks));
    if (outcome) await writeOutputs(inputs, outcome);
  } catch (err) {
    if (state.registry) await debugRegistryLog(state.registry);
    const signal = cancelledSignal();
    throw signal ? cancelledError(signal) : err; // whatever was running when the job was cancelled
  } finally {
    await http.close();
  }
}

type Cleanup = readonly [what: string, fn: () => Promise<void>];

/** Each cleanup on its own: a failure is a warning naming the resource, never a failed job. */
async function attempt([what, fn]: Cleanup): Promise<() => void> {
  try {
    await fn();
    return () => core.info(`Removed ${what}`);
  } catch (err) {
    return () => core.warning(`Could not remove ${what}: ${errorMessage(err)}`);
  }
}

/** Independent cleanups run side by side (post is on every job's clock); the log keeps their order. */
async function cleanUp(all: readonly Cleanup[]): Promise<void> {
  for (const report of await Promise.all(all.map(attempt))) report();
}

export async function runPost(): Promise<void> {
  const state = readState();
  if (!state) return;
  await core.group('Cleaning up', async () => {
    const { registry, images, runDir, builder, dockerConfig, imagesEngine } = state;
    if (dockerConfig && existsSync(dockerConfig)) useDockerConfig(dockerConfig);
    const cleanups: Cleanup[] = [];
    if (builder) cleanups.push([`builder ${builder}`, () => removeBuilder(builder)]);
    if (registry) {
      const how = registry.container ? `container ${registry.container}` : `pid ${registry.pid}`;
      cleanups.push([
        `the local registry at ${registry.address} (${how})`,
        () => stopLocalRegistry(registry),
      ]);
    }
    if (images.length > 0)
      cleanups.push([`${images.length} local build image(s) from the engine`, () => removeImages(images)]);
    if (images.length > 0 && imagesEngine)
      cleanups.push([
        `${images.length} local build image(s) from the builder's engine (${imagesEngine})`,
        () => removeImages(images, imagesEngine),
      ]);
    await cleanUp(cleanups);
    // Last: the registry's storage and the docker config live in it.
    await cleanUp([[`run directory ${runDir}`, () => rm(runDir, { recursive: true, force: true })]]);
    forgetRun(state.runId);
  });
}

export { isPost };
