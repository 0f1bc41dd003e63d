// The local, ephemeral distribution registry: on 127.0.0.1 and a free port,
// storage and log in the run's own directory. As a binary it is spawned
// detached with a pid file so post can stop it even when main died; as a
// container it runs on the host network under a run-unique name.
import * as core from '@actions/core';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { spawnDetached } from '../exec.js';
import type { Http } from '../http.js';
import type { RegistryState } from '../state.js';
import {
  hasImage,
  registryContainerLogs,
  startRegistryContainer,
  stopRegistryContainer,
} from './container.js';
import { describeRegistryOnPath, ensureRegistryBinary } from './install.js';
import { createRegistryLogin, REGISTRY_REALM, type RegistryLogin } from './login.js';
import { startOnFreePort } from './ready.js';

export const REGISTRY_MODES = ['auto', 'binary', 'container'] as const;
export type RegistryMode = (typeof REGISTRY_MODES)[number];

export const REGISTRY_BINARIES = ['registry', 'docker-registry'];

/** distribution 2.8 configuration (pure): loopback only, quiet, deletable storage, this run's login only. */
export function registryConfig(address: string, storageDir: string, htpasswd?: string): string {
  const auth = htpasswd
    ? ['auth:', '  htpasswd:', `    realm: ${REGISTRY_REALM}`, `    path: ${JSON.stringify(htpasswd)}`]
    : [];
  return [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(storageDir)}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${address}`,
    ...auth,
    '',
  ].join('\n');
}

export function findOnPath(names: readonly string[], pathEnv = process.env.PATH ?? ''): string | undefined {
  for (const name of names) {
    for (const dir of pathEnv.split(path.delimiter).filter(Boolean)) {
      const candidate = path.join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** A zombie has exited: once main has ended the registry is pid 1's child, and some pid 1s reap late. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/s.test(stat);
  } catch {
    return false; // reaped meanwhile
  }
}

function logTail(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-30).join('\n') : '(no log)';
}

export async function startRegistryBinary(
  http: Http,
  runDir: string,
  binary: string,
  record: (state: RegistryState) => void,
  htpasswd?: string,
): Promise<RegistryState> {
  const dir = path.join(runDir, 'registry');
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  const log = path.join(dir, 'registry.log');
  return startOnFreePort(
    http,
    binary,
    (address) => {
      const [, ...args] = registryCommand(binary, dir);
      writeFileSync(configFile(dir), registryConfig(address, path.join(dir, 'data'), htpasswd));
      const pid = spawnDetached(binary, args, log);
      writeFileSync(path.join(dir, 'registry.pid'), String(pid));
      return {
        state: { pid, dir, address, storage: path.join(dir, 'data') },
        isRunning: () => Promise.resolve(isAlive(pid)),
        logTail: () => Promise.resolve(logTail(log)),
        stop: () => Promise.resolve(killProcess(pid)),
      };
    },
    record,
  );
}

export interface LocalRegistryOptions {
  mode: RegistryMode;
  /** registry-url: a mirror of the distribution releases, or ''. */
  url: string;
  image: string;
  runDir: string;
  runId: string;
  /** Saves post state the moment a registry process or container exists. */
  record: (state: RegistryState) => void;
}

/**
 * auto: a binary on PATH, else the image if the engine has it, else the release; binary: PATH,
 * else the release. Either way only this run's login gets in.
 */
export async function startLocalRegistry(
  http: Http,
  options: LocalRegistryOptions,
): Promise<{ registry: RegistryState; login: RegistryLogin }> {
  const onPath = findOnPath(REGISTRY_BINARIES);
  const container =
    options.mode === 'container' || (options.mode === 'auto' && !onPath && (await hasImage(options.image)));
  const dir = path.join(options.runDir, 'registry');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const login = createRegistryLogin(dir, options.runId);
  if (container) {
    core.info(`Running ${options.image} as a container on the host network`);
    return { registry: await startRegistryContainer(http, { ...options, htpasswd: login.htpasswd }), login };
  }
  if (onPath) await describeRegistryOnPath(onPath);
  const binary = onPath ?? (await ensureRegistryBinary(http, options.url, options.runDir));
  core.info(`Running ${binary}`);
  const registry = await startRegistryBinary(http, options.runDir, binary, options.record, login.htpasswd);
  return { registry, login };
}

const configFile = (dir: string) => path.join(dir, 'config.yml');

/** The registry process's exact argv, as startRegistryBinary starts it (pure). */
export function registryCommand(binary: string, dir: string): string[] {
  return [binary, 'serve', configFile(dir)];
}

/**
 * Whether /proc/<pid>/cmdline (NUL-separated) is exactly a registry binary
 * serving the config in `dir` (pure). A process whose arguments merely contain
 * the dir, or a pid reused by anything else, is not ours.
 */
export function isRegistryCommandLine(cmdline: string, dir: string): boolean {
  const argv = cmdline.endsWith('\0') ? cmdline.slice(0, -1).split('\0') : cmdline.split('\0');
  const [binary = '', ...args] = argv;
  const expected = registryCommand(binary, dir);
  return (
    REGISTRY_BINARIES.includes(path.basename(binary)) &&
    argv.length === expected.length &&
    args.every((a, i) => a === expected[i + 1])
  );
}

/** Our process still runs our binary with our config, argv for argv (a reaped or reused pid does not). */
export function ownsPid(state: RegistryState & { pid: number }): boolean {
  try {
    return isRegistryCommandLine(readFileSync(`/proc/${state.pid}/cmdline`, 'utf8'), state.dir);
  } catch {
    return false;
  }
}

function killProcess(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

export async function stopLocalRegistry(state: RegistryState): Promise<void> {
  if (state.container) await stopRegistryContainer(state.container);
  const { pid } = state;
  if (pid !== undefined && ownsPid({ ...state, pid })) {
    killProcess(pid);
    const deadline = Date.now() + 5_000;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(state.dir, { recursive: true, force: true });
}

export async function registryLogTail(state: RegistryState): Promise<string> {
  if (state.container) return registryContainerLogs(state.container);
  return logTail(path.join(state.dir, 'registry.log'));
}
