// Startup shared by every way of running the local registry: a free loopback
// port, a wait on GET /v2/ with a deadline, and up to three tries (another job
// on the same runner may take the port between picking it and binding it).
import * as core from '@actions/core';
import { createServer } from 'node:net';
import { ActionError, errorMessage } from '../errors.js';
import type { Http } from '../http.js';
import type { RegistryState } from '../state.js';

const READY_TIMEOUT_MS = 20_000;
const ATTEMPTS = 3;

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

/** Undefined when GET /v2/ answers 200 (or 401 with auth); else why not, in words. */
export async function v2Problem(http: Http, address: string): Promise<string | undefined> {
  try {
    const res = await http.request({ method: 'GET', url: `http://${address}/v2/` });
    await res.body.dump();
    return res.status === 200 || res.status === 401 ? undefined : `GET /v2/ answered ${res.status}`;
  } catch (err) {
    return errorMessage(err);
  }
}

/** Waits until GET /v2/ answers 200 (or 401 with auth), the registry stops running, or the deadline passes. */
export async function waitRegistryReady(
  http: Http,
  address: string,
  isRunning: () => Promise<boolean>,
  timeoutMs = READY_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  // It answers some 20-60 ms after its start: poll often at first, then every 100 ms.
  for (let pause = 10; Date.now() < deadline; pause = Math.min(pause * 2, 100)) {
    if (!(await isRunning())) throw new Error(`it exited (${last})`);
    const problem = await v2Problem(http, address);
    if (problem === undefined) return;
    last = problem;
    await new Promise((r) => setTimeout(r, pause));
  }
  throw new Error(`no answer on http://${address}/v2/ within ${timeoutMs / 1000} s (${last})`);
}

/** One started registry, before it is known to answer. */
export interface Starting {
  state: RegistryState;
  isRunning(): Promise<boolean>;
  logTail(): Promise<string>;
  stop(): Promise<void>;
}

/** Starts on a free port until /v2/ answers; each failed try prints the registry's own log. */
export async function startOnFreePort(
  http: Http,
  what: string,
  start: (address: string) => Starting | Promise<Starting>,
  record: (state: RegistryState) => void,
  timeoutMs = READY_TIMEOUT_MS,
): Promise<RegistryState> {
  let lastError = '';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const address = `127.0.0.1:${await freeLoopbackPort()}`;
    const starting = await start(address);
    record(starting.state); // post can remove it even if main dies while it starts
    try {
      await waitRegistryReady(http, address, () => starting.isRunning(), timeoutMs);
      return starting.state;
    } catch (err) {
      lastError = errorMessage(err);
      core.info(`${what} on ${address} did not start: ${lastError}; its log:\n${await starting.logTail()}`);
      await starting.stop();
    }
  }
  throw new ActionError(
    `The local registry (${what}) did not start: ${lastError}.`,
    `Its log is printed above.`,
  );
}
