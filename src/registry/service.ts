// The local, ephemeral distribution registry: on 127.0.0.1 and a free port,
// storage and log in the run's own directory, spawned detached with a pid
// file so post can stop it even when main died.
import * as core from '@actions/core';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { ActionError, errorMessage } from '../errors.js';
import { spawnDetached } from '../exec.js';
import type { Http } from '../http.js';
import type { RegistryState } from '../state.js';

export const REGISTRY_BINARIES = ['registry', 'docker-registry'];
const READY_TIMEOUT_MS = 20_000;

/** distribution 2.8 configuration (pure): loopback only, quiet, deletable storage. */
export function registryConfig(address: string, storageDir: string): string {
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

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until GET /v2/ answers 200 (or 401 with auth), the process dies, or the deadline passes. */
export async function waitRegistryReady(
  http: Http,
  address: string,
  pid: number,
  timeoutMs = READY_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (!isAlive(pid)) throw new Error(`the registry process (pid ${pid}) exited`);
    try {
      const res = await http.request({ method: 'GET', url: `http://${address}/v2/` });
      await res.body.dump();
      if (res.status === 200 || res.status === 401) return;
      last = `GET /v2/ answered ${res.status}`;
    } catch (err) {
      last = errorMessage(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no answer on http://${address}/v2/ within ${timeoutMs / 1000} s (${last})`);
}

function logTail(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-30).join('\n') : '(no log)';
}

export async function startLocalRegistry(http: Http, runDir: string): Promise<RegistryState> {
  const binary = findOnPath(REGISTRY_BINARIES);
  if (!binary) {
    throw new ActionError(
      `No distribution registry found: neither ${REGISTRY_BINARIES.join(' nor ')} is on PATH.`,
      `Install it (Debian/Ubuntu: apt-get install docker-registry) or add the registry binary to PATH.`,
    );
  }
  const dir = path.join(runDir, 'registry');
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  const log = path.join(dir, 'registry.log');
  let lastError = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    const address = `127.0.0.1:${await freeLoopbackPort()}`;
    const config = path.join(dir, 'config.yml');
    writeFileSync(config, registryConfig(address, path.join(dir, 'data')));
    const pid = spawnDetached(binary, ['serve', config], log);
    writeFileSync(path.join(dir, 'registry.pid'), String(pid));
    try {
      await waitRegistryReady(http, address, pid);
      return { pid, dir, address };
    } catch (err) {
      lastError = errorMessage(err);
      killProcess(pid);
      core.info(`Local registry on ${address} did not start (${lastError}); log:\n${logTail(log)}`);
    }
  }
  throw new ActionError(
    `The local registry (${binary}) did not start: ${lastError}.`,
    `Its log is printed above.`,
  );
}

/** Our own registry only: the pid must still run our binary with our config. */
function ownsPid(state: RegistryState): boolean {
  try {
    return readFileSync(`/proc/${state.pid}/cmdline`, 'utf8').includes(state.dir);
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
  if (ownsPid(state)) {
    killProcess(state.pid);
    const deadline = Date.now() + 5_000;
    while (isAlive(state.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (isAlive(state.pid)) process.kill(state.pid, 'SIGKILL');
  }
  rmSync(state.dir, { recursive: true, force: true });
}

export function registryLogTail(state: RegistryState): string {
  return logTail(path.join(state.dir, 'registry.log'));
}
