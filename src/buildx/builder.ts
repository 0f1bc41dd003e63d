// A throwaway docker-container builder: BuildKit in a container on the host
// network (so it reaches the loopback registry), run-unique name, removed in post.
import { ActionError, ExecError } from '../errors.js';
import { run } from '../exec.js';
import { lastMeaningfulLine } from '../exec-tail.js';

export const DRIVERS = ['docker', 'docker-container'] as const;
export type Driver = (typeof DRIVERS)[number];

export interface BuilderSpec {
  name: string;
  image: string;
  /** buildkitd.toml path, or ''. */
  config: string;
}

export function builderName(runId: string): string {
  return `multiarch-${runId}`;
}

/** The engine container buildx creates for the builder's only node. */
export function builderContainer(name: string): string {
  return `buildx_buildkit_${name}0`;
}

/** docker buildx create argv (pure). */
export function createBuilderArgs(spec: BuilderSpec): string[] {
  return [
    'buildx',
    'create',
    '--name',
    spec.name,
    '--driver',
    'docker-container',
    '--driver-opt',
    'network=host',
    '--driver-opt',
    `image=${spec.image}`,
    ...(spec.config ? ['--config', spec.config] : []),
    '--bootstrap',
  ];
}

export async function createBuilder(spec: BuilderSpec): Promise<void> {
  try {
    await run('docker', createBuilderArgs(spec));
  } catch (err) {
    if (!(err instanceof ExecError)) throw err;
    throw new ActionError(
      `Cannot start the docker-container builder ${spec.name} from BuildKit image '${spec.image}': ${lastMeaningfulLine(err.tail) || `exit code ${err.exitCode}`}.`,
      `Check 'buildkit-image' (the engine must be able to pull it: pre-pull it or point it at a mirror), or set 'driver' to docker.`,
    );
  }
}

const GONE = /no builder .* found|No such (container|volume)/i;

/** Removes the builder, its container and its state volume; what is already gone is fine. */
export async function removeBuilder(name: string): Promise<void> {
  const steps = [
    ['buildx', 'rm', name],
    ['rm', '--force', '--volumes', builderContainer(name)],
    ['volume', 'rm', '--force', `${builderContainer(name)}_state`],
  ];
  const failures: string[] = [];
  for (const args of steps) {
    const res = await run('docker', args, { silent: true, allowFailure: true });
    if (res.exitCode !== 0 && !GONE.test(res.stderr))
      failures.push(res.stderr.trim().split('\n').slice(-2).join(' '));
  }
  if (failures.length > 0) throw new Error(failures.join('; '));
}
