// Build mode on an existing builder ('builder' input): inspected before any
// build, its nodes and the node each platform goes to said in the log, refused
// when a node cannot reach the local registry on this runner's loopback, and
// what it can do (several platforms in one build, attestations) taken from it,
// not from the runner's engine.
import * as core from '@actions/core';
import { unreachableNodes } from '../buildx/builder-reach.js';
import { linkUserBuilders } from '../buildx/docker-config.js';
import { checkDriverSupport, engineFlags, hasContainerdStore } from '../buildx/capabilities.js';
import {
  bootBuilder,
  inspectBuilder,
  nodeFor,
  nodeOfBuildRef,
  type ExistingBuilder,
} from '../buildx/existing-builder.js';
import { ActionError } from '../errors.js';
import { run } from '../exec.js';
import { forLog } from '../log-safe.js';
import { formatPlatform } from '../platform.js';
import { saveState, type PostState } from '../state.js';
import type { BuildModeOptions } from './options.js';

/** What the builds need to know about the builder. */
export interface BuilderCaps {
  /** Several platforms in one build (not the docker driver on a classic image store). */
  multiPlatform: boolean;
  /** The docker driver on a containerd store keeps each build packed (see BuildSpec). */
  packed: boolean;
  /** A docker-driver builder's context: buildx builds there only as `docker --context NAME buildx`. */
  engineContext?: string;
}

/** One line per node: status, BuildKit, endpoint, platforms. */
function describeNodes(builder: ExistingBuilder): string {
  const head = `Builder ${builder.name} (driver ${builder.driver}), ${builder.nodes.length} node(s):`;
  const rows = builder.nodes.map(
    (n) =>
      `  ${n.name}: ${n.status || 'status unknown'}, BuildKit ${n.buildkit || '?'}, endpoint ${n.endpoint}, platforms ${n.platforms.join(', ') || 'none listed'}`,
  );
  return [head, ...rows].map(forLog).join('\n'); // each line made safe, the lines kept
}

/** platform -> node, as buildx will pick (pure). */
export function describeAssignment(builder: ExistingBuilder, platforms: readonly string[]): string {
  return platforms
    .map((p) => {
      const { node, listed } = nodeFor(builder, p);
      return `${p} -> node ${node}${listed ? '' : ` (no node lists ${p}: buildx sends it to the first node, which must emulate it)`}`;
    })
    .map(forLog)
    .join('\n');
}

function refuseUnreachable(builder: ExistingBuilder, bad: { node: string; why: string }[]): void {
  if (bad.length === 0) return;
  const list = bad.map((b) => `node ${b.node}: ${b.why}`).join('; ');
  throw new ActionError(
    `Builder '${builder.name}' (input 'builder') cannot push to this run's local registry, which listens on 127.0.0.1 of the runner only: ${forLog(list)}.`,
    `Use a builder whose nodes run on this runner with host networking (a docker context of a local engine, or docker-container created with --driver-opt network=host, as setup-buildx-action's driver-opts: network=host does), or build each platform on a runner of its own with the reusable workflow (push-by-digest and a merge job).`,
  );
}

/** The engine version of a docker-driver node ('' when it does not answer). */
async function engineVersion(endpoint: string): Promise<string> {
  const args = [...engineFlags(endpoint), 'version', '--format', '{{.Server.Version}}'];
  const res = await run('docker', args, { silent: true, allowFailure: true });
  return res.exitCode === 0 ? res.stdout.trim() : '';
}

/** The docker driver's node is another engine's BuildKit: its version and image store decide. */
async function dockerDriverCaps(options: BuildModeOptions, builder: ExistingBuilder, state: PostState) {
  const endpoint = builder.nodes[0]?.endpoint ?? '';
  const [version, containerdStore] = await Promise.all([
    engineVersion(endpoint),
    hasContainerdStore(endpoint),
  ]);
  core.info(
    `Its engine: Docker ${version || '?'}, ${containerdStore ? 'containerd' : 'classic'} image store`,
  );
  checkDriverSupport(options.build, 'docker', containerdStore, version);
  // That engine keeps a copy of each build: post removes it there too.
  if (endpoint && endpoint !== 'default') {
    state.imagesEngine = endpoint;
    saveState(state);
  }
  return { multiPlatform: containerdStore, packed: containerdStore, engineContext: endpoint || undefined };
}

/** After a build on the 'builder': the node buildx says ran it (its metadata's buildx.build.ref). */
export function reportNode(builder: string, platforms: string, buildRef: string | undefined): void {
  if (!builder) return;
  const node = nodeOfBuildRef(buildRef);
  // One build of several platforms on several nodes is split by platform, and its ref names one node.
  const split = platforms.includes(',')
    ? ` (with several nodes, each platform ran where 'Inspecting builder' says)`
    : '';
  core.info(
    node
      ? forLog(`${platforms} built on node ${node} of builder ${builder}${split}`)
      : `${platforms} built on builder ${builder} (buildx wrote no build ref naming the node)`,
  );
}

export async function useExistingBuilder(options: BuildModeOptions, state: PostState): Promise<BuilderCaps> {
  if (state.dockerConfig) linkUserBuilders(state.dockerConfig); // a buildx the action downloaded
  const seen = await inspectBuilder(options.builder);
  refuseUnreachable(seen, await unreachableNodes(seen));
  const running = seen.nodes.every((n) => n.status === 'running');
  const builder = running ? seen : await bootBuilder(options.builder);
  core.info(describeNodes(builder));
  core.info(describeAssignment(builder, options.platforms.map(formatPlatform)));
  if (builder.driver === 'docker') return dockerDriverCaps(options, builder, state);
  checkDriverSupport(options.build, builder.driver, true, '');
  return { multiPlatform: true, packed: false };
}
