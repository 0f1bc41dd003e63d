// What the chosen builder can do, checked before any build starts.
import { ActionError } from '../errors.js';
import { run } from '../exec.js';
import { needsContainerDriver } from './cache.js';

/** The classic docker driver gains attestations and cache export with the containerd image store. */
export async function hasContainerdStore(): Promise<boolean> {
  const res = await run('docker', ['info', '--format', '{{json .DriverStatus}}'], {
    silent: true,
    allowFailure: true,
  });
  return res.stdout.includes('io.containerd.snapshotter');
}

/** The build options the docker driver may not support. */
export interface DriverNeeds {
  cacheTo: readonly string[];
  provenance: string;
  sbom: string;
}

export function checkDriverSupport(build: DriverNeeds, driver: string, containerdStore: boolean): void {
  if (driver !== 'docker' || containerdStore) return;
  const cache = needsContainerDriver(build.cacheTo);
  if (cache) {
    throw new ActionError(
      `Input 'cache-to' has '${cache}', which the docker driver cannot export (it exports only type=inline).`,
      `Use a builder with the docker-container driver, type=inline, or the containerd image store.`,
    );
  }
  const attest = [build.provenance !== 'false' && 'provenance', build.sbom !== 'false' && 'sbom'].filter(
    Boolean,
  );
  if (attest.length > 0) {
    throw new ActionError(
      `Input ${attest.map((a) => `'${a}'`).join(' and ')} asks for attestations, which the docker driver cannot make.`,
      `Use a builder with the docker-container driver, turn on the containerd image store, or set them to false.`,
    );
  }
}
