// Build mode's set-up phases: what the machine has, buildx, the builder and
// the local registry, each recorded in post state the moment it exists.
import * as core from '@actions/core';
import { readdirSync } from 'node:fs';
import * as os from 'node:os';
import { builderName, createBuilder } from '../buildx/builder.js';
import { hasContainerdStore } from '../buildx/capabilities.js';
import { setupBuildx } from '../buildx/install.js';
import { readBuildxVersion } from '../buildx/version.js';
import type { Http } from '../http.js';
import type { BuildModeOptions } from './options.js';
import { BINFMT_DIR } from '../qemu/binfmt.js';
import { startLocalRegistry } from '../local-registry/service.js';
import type { RegistryLogin } from '../local-registry/login.js';
import { addRegistryAuth, useDockerConfig } from '../buildx/docker-config.js';
import { cleanStaleRuns } from './stale.js';
import { saveState, type PostState, type RegistryState } from '../state.js';

export interface Probed {
  containerdStore: boolean;
  buildx: string | undefined;
}

/** The runner's buildx and the engine's image store: reads only, so they may run beside the pre-flight. */
export async function probeEnvironment(): Promise<Probed> {
  const [buildx, containerdStore] = await Promise.all([readBuildxVersion(), hasContainerdStore()]);
  return { buildx, containerdStore };
}

/** Kernel, runner, the engine (its version as checkBuildRunner read it), the runner's buildx, binfmt state and image store. */
export async function logEnvironment(engine: string, probed: Promise<Probed>): Promise<Probed> {
  const { buildx, containerdStore } = await probed;
  core.info(`Kernel: ${os.release()}, runner arch: ${os.arch()}`);
  core.info(`Docker engine: ${engine}`);
  core.info(`buildx: ${buildx ?? 'not installed'}`);
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
  core.info(
    `Image store: ${containerdStore ? 'containerd' : 'classic (docker driver: no attestations, inline cache only)'}`,
  );
  return { containerdStore, buildx };
}

export async function installBuildx(
  http: Http,
  options: BuildModeOptions,
  state: PostState,
  runner: string | undefined,
): Promise<string> {
  const buildx = await setupBuildx(http, {
    runner,
    version: options.buildxVersion,
    url: options.buildxUrl,
    runDir: state.runDir,
  });
  core.info(`buildx ${buildx.version} (${buildx.how})`);
  if (buildx.dockerConfig) {
    state.dockerConfig = buildx.dockerConfig;
    saveState(state);
    core.info(`Docker commands of this run use DOCKER_CONFIG=${buildx.dockerConfig}`);
  }
  return buildx.version;
}

export async function startBuilder(options: BuildModeOptions, state: PostState): Promise<void> {
  state.builder = builderName(state.runId);
  saveState(state); // before it exists: a half-created builder is removed in post too
  await createBuilder({ name: state.builder, image: options.buildkitImage, config: options.buildkitdConfig });
  core.info(`Builder ${state.builder} (docker-container, ${options.buildkitImage})`);
}

/** The local registry, and its login handed to buildx through the run's own docker config. */
export async function startRegistry(
  http: Http,
  options: BuildModeOptions,
  state: PostState,
): Promise<{ registry: RegistryState; login: RegistryLogin }> {
  await cleanStaleRuns(state.runId);
  const started = await startLocalRegistry(http, {
    mode: options.localRegistry,
    url: options.registryUrl,
    image: options.registryImage,
    runDir: state.runDir,
    runId: state.runId,
    record: (registry) => {
      state.registry = registry;
      saveState(state);
    },
  });
  const { registry, login } = started;
  const how = registry.container ? `container ${registry.container}` : `pid ${registry.pid}`;
  core.info(`Local registry at ${registry.address} (${how}), for this run's login only`);
  state.dockerConfig = addRegistryAuth(state.runDir, registry.address, login);
  saveState(state);
  useDockerConfig(state.dockerConfig);
  return started;
}
