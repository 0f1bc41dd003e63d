// What the chosen builder can do, checked before any build starts.
import { ActionError } from '../errors.js';
import { run } from '../exec.js';
import { needsContainerDriver } from './cache.js';

/** The docker CLI's flags for another engine: a context name, or a host URL (pure). */
export function engineFlags(endpoint?: string): string[] {
  if (!endpoint) return [];
  return endpoint.includes('://') ? ['--host', endpoint] : ['--context', endpoint];
}

/** The classic docker driver gains attestations and cache export with the containerd image store. */
export async function hasContainerdStore(endpoint?: string): Promise<boolean> {
  const on = engineFlags(endpoint);
  const res = await run('docker', [...on, 'info', '--format', '{{json .DriverStatus}}'], {
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
  shmSize: string;
  ulimits: readonly string[];
  cgroupParent: string;
  /** buildx --annotation values for the image manifests. */
  manifestAnnotations: readonly string[];
  /** The inputs that asked for the attestations, as error messages name them. */
  attestInputs: readonly string[];
}

/**
 * The BuildKit in engines before 23.0 (0.8 in 20.10) ignores --shm-size, --ulimit and --cgroup-parent
 * without a word (seen here on 20.10.24 with buildx 0.13: /dev/shm stays 64m, `ulimit -n` unchanged).
 */
function engineBuildKitProblems(build: DriverNeeds, engine: string): string[] {
  const major = Number(/^(\d+)\./.exec(engine)?.[1] ?? 'NaN');
  if (!(major < 23)) return [];
  const ignored = [
    build.shmSize && 'shm-size',
    build.ulimits.length > 0 && 'ulimit',
    build.cgroupParent && 'cgroup-parent',
  ].filter(Boolean);
  if (ignored.length === 0) return [];
  return [
    `Input ${ignored.map((a) => `'${a}'`).join(', ')} cannot reach the build on Docker ${engine}: its BuildKit (the docker driver's) ignores them. Use 'driver: docker-container', Docker 23 or newer, or leave them empty.`,
  ];
}

/** What the docker driver on the classic image store cannot do, one line each. */
function classicStoreProblems(build: DriverNeeds): string[] {
  const out: string[] = [];
  const cache = needsContainerDriver(build.cacheTo);
  if (cache)
    out.push(
      `Input 'cache-to' has '${cache}', which the docker driver cannot export (it exports only type=inline). Use a builder with the docker-container driver, type=inline, or the containerd image store.`,
    );
  if (build.attestInputs.length > 0)
    out.push(
      `Input ${build.attestInputs.join(' and ')} asks for attestations, which the docker driver on the classic image store cannot make. Use a builder with the docker-container driver, turn on the containerd image store, or leave them out.`,
    );
  const [annotation] = build.manifestAnnotations;
  if (annotation)
    out.push(
      `Input 'annotations' has '${annotation}', a manifest-level annotation, which the docker driver on the classic image store cannot write into an image manifest. Use 'driver: docker-container' or the containerd image store, or annotate the index's entries instead (manifest-descriptor:) or the index (index:).`,
    );
  return out;
}

/** Everything the docker driver cannot do of what the inputs ask, in one error, before any build. */
export function checkDriverSupport(
  build: DriverNeeds,
  driver: string,
  containerdStore: boolean,
  engine: string,
): void {
  if (driver !== 'docker') return;
  const all = [
    ...engineBuildKitProblems(build, engine),
    ...(containerdStore ? [] : classicStoreProblems(build)),
  ];
  if (all.length > 0) throw new ActionError(all.join('\n'));
}
