// The local registry as a container: `docker run -d --network host` of
// 'registry-image', its address set by environment, under a run-unique name.
// Storage is a bind mount of the run's directory, written as the runner's
// own uid:gid (so the runner can read the blob files and delete them); where
// that cannot work it stays inside the container, removed by `docker rm -v`.
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { ActionError, ExecError } from '../errors.js';
import { run } from '../exec.js';
import { lastMeaningfulLine } from '../exec-tail.js';
import type { Http } from '../http.js';
import type { RegistryState } from '../state.js';
import { startOnFreePort } from './ready.js';
import { REGISTRY_REALM } from './login.js';

/** Where the container reads the run's htpasswd (bind-mounted read-only). */
const HTPASSWD_IN_CONTAINER = '/auth/htpasswd';

/** The htpasswd auth of this run's login, as distribution's environment and a read-only bind mount (pure). */
function authArgs(htpasswd: string | undefined): string[] {
  if (!htpasswd) return [];
  return ['--volume', `${htpasswd}:${HTPASSWD_IN_CONTAINER}:ro`, '--env', 'REGISTRY_AUTH=htpasswd']
    .concat(['--env', `REGISTRY_AUTH_HTPASSWD_REALM=${REGISTRY_REALM}`])
    .concat(['--env', `REGISTRY_AUTH_HTPASSWD_PATH=${HTPASSWD_IN_CONTAINER}`]);
}

/** Storage on the host: the directory and the uid:gid the registry writes it as. */
export interface ContainerStorage {
  dir: string;
  user: string;
}

const CONTAINER_STORAGE = '/var/lib/registry';

/** docker run argv (pure): host network, loopback address, quiet, deletable storage, this run's login. */
export function registryContainerArgs(
  name: string,
  image: string,
  address: string,
  htpasswd?: string,
  storage?: ContainerStorage,
): string[] {
  const mount = storage ? ['--user', storage.user, '--volume', `${storage.dir}:${CONTAINER_STORAGE}`] : [];
  return [
    'run',
    '--detach',
    '--name',
    name,
    '--network',
    'host',
    '--env',
    `REGISTRY_HTTP_ADDR=${address}`,
    '--env',
    'REGISTRY_LOG_LEVEL=error',
    '--env',
    'REGISTRY_LOG_ACCESSLOG_DISABLED=true',
    '--env',
    'REGISTRY_STORAGE_DELETE_ENABLED=true',
    ...authArgs(htpasswd),
    ...mount,
    image,
  ];
}

export function registryContainerName(runId: string): string {
  return `multiarch-registry-${runId}`;
}

export async function hasImage(image: string): Promise<boolean> {
  const res = await run('docker', ['image', 'inspect', image], { silent: true, allowFailure: true });
  return res.exitCode === 0;
}

/** Whether the container `name` exists and runs. */
export async function isRunning(name: string): Promise<boolean> {
  const res = await run('docker', ['inspect', '--format', '{{.State.Running}}', name], {
    silent: true,
    allowFailure: true,
  });
  return res.stdout.trim() === 'true';
}

export async function registryContainerLogs(name: string): Promise<string> {
  const res = await run('docker', ['logs', '--tail', '30', name], { silent: true, allowFailure: true });
  return `${res.stdout}${res.stderr}`.trim() || '(no log)';
}

/** Removes the container and its anonymous volume; a container that is already gone is fine. */
export async function stopRegistryContainer(name: string): Promise<void> {
  const res = await run('docker', ['rm', '--force', '--volumes', name], { silent: true, allowFailure: true });
  if (res.exitCode !== 0 && !/No such container/i.test(res.stderr)) {
    throw new Error(res.stderr.trim().split('\n').slice(-3).join(' '));
  }
}

/** The run's storage dir for a bind mount, when this runner has a uid and the path fits `--volume`. */
export function containerStorage(dir: string): ContainerStorage | undefined {
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  if (uid === undefined || gid === undefined || /[:,]/.test(dir)) return undefined;
  return { dir, user: `${uid}:${gid}` };
}

async function runContainer(
  name: string,
  image: string,
  address: string,
  htpasswd: string | undefined,
  storage: ContainerStorage | undefined,
): Promise<void> {
  await stopRegistryContainer(name); // a previous try's
  try {
    await run('docker', registryContainerArgs(name, image, address, htpasswd, storage), { silent: true });
  } catch (err) {
    if (!(err instanceof ExecError)) throw err;
    throw new ActionError(
      `Cannot start the local registry container from '${image}': ${lastMeaningfulLine(err.tail) || `exit code ${err.exitCode}`}.`,
      `Pull the image first or set 'registry-image' to one the engine can pull, or set 'local-registry' to binary.`,
    );
  }
}

export async function startRegistryContainer(
  http: Http,
  options: {
    image: string;
    runDir: string;
    runId: string;
    record: (state: RegistryState) => void;
    htpasswd?: string;
  },
): Promise<RegistryState> {
  const name = registryContainerName(options.runId);
  const dir = path.join(options.runDir, 'registry');
  const storage = containerStorage(path.join(dir, 'data'));
  mkdirSync(storage?.dir ?? dir, { recursive: true });
  return startOnFreePort(
    http,
    `container ${name}`,
    async (address) => {
      await runContainer(name, options.image, address, options.htpasswd, storage);
      return {
        state: { dir, address, container: name, storage: storage?.dir },
        isRunning: () => isRunning(name),
        logTail: () => registryContainerLogs(name),
        stop: () => stopRegistryContainer(name),
      };
    },
    options.record,
  );
}
