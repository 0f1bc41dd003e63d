// Whether each node of an existing builder can push to the run's local
// registry, which listens on 127.0.0.1 of this runner only: a node on another
// machine, or in a network namespace of its own (a docker-container builder on
// the bridge network), has a 127.0.0.1 of its own. Decided from what `buildx
// inspect` and `docker context inspect` say, before any build.
import { run } from '../exec.js';
import type { BuilderNode, ExistingBuilder } from './existing-builder.js';

/** Where a node's daemon runs, as far as its endpoint tells. */
export type Place = 'this runner' | 'another machine';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[?::1\]?)$/i;

/** A docker host or BuildKit address (pure): a unix socket or a loopback TCP address is this runner. */
export function placeOf(address: string): Place {
  if (/^(unix|npipe):\/\//i.test(address) || address.startsWith('/')) return 'this runner';
  try {
    return LOOPBACK.test(new URL(address).hostname) ? 'this runner' : 'another machine';
  } catch {
    return 'another machine';
  }
}

/** Why the node cannot reach 127.0.0.1 of this runner, or undefined when it can (pure). */
export function unreachableReason(driver: string, node: BuilderNode, address: string): string | undefined {
  const where = placeOf(address);
  if (driver === 'docker' || driver === 'docker-container' || driver === 'remote') {
    if (where === 'another machine') return `it runs on another machine (${address})`;
    if (driver === 'docker-container' && node.driverOptions.network !== 'host')
      return `its BuildKit container is not on the host network (created without --driver-opt network=host), so 127.0.0.1 there is the container itself`;
    return undefined;
  }
  return `driver ${driver} runs BuildKit away from this runner`;
}

/** The docker host behind a docker or docker-container node's endpoint: a context name, or a host URL. */
export async function dockerHostOf(endpoint: string): Promise<string> {
  if (endpoint.includes('://')) return endpoint;
  const res = await run(
    'docker',
    ['context', 'inspect', endpoint, '--format', '{{.Endpoints.docker.Host}}'],
    { silent: true, allowFailure: true },
  );
  // The "default" context follows DOCKER_HOST, as the docker CLI does.
  return res.exitCode === 0 ? res.stdout.trim() : (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock');
}

/** Each node that cannot reach the local registry, with why. */
export async function unreachableNodes(builder: ExistingBuilder): Promise<{ node: string; why: string }[]> {
  const out: { node: string; why: string }[] = [];
  for (const node of builder.nodes) {
    const address = builder.driver === 'remote' ? node.endpoint : await dockerHostOf(node.endpoint);
    const why = unreachableReason(builder.driver, node, address);
    if (why) out.push({ node: node.name, why });
  }
  return out;
}
