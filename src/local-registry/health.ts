// Is the local registry still there? Asked when a build fails, so a registry
// that was killed (or stopped answering) is named as the cause instead of the
// Dockerfile: its process or container, then GET /v2/ within a few seconds.
import { readFileSync } from 'node:fs';
import { errorMessage } from '../errors.js';
import { run } from '../exec.js';
import type { Http } from '../http.js';
import type { RegistryState } from '../state.js';

const ANSWER_TIMEOUT_MS = 3_000;

/** "the local registry (pid 123)" or "(container multiarch-registry-…)" (pure). */
export function describeRegistry(state: RegistryState): string {
  return `the local registry (${state.container ? `container ${state.container}` : `pid ${state.pid}`})`;
}

/** Our process still runs our binary with our config (a reaped or reused pid does not). */
function processRuns(state: RegistryState): boolean {
  try {
    return readFileSync(`/proc/${state.pid}/cmdline`, 'utf8').includes(state.dir);
  } catch {
    return false;
  }
}

async function containerRuns(name: string): Promise<boolean> {
  const res = await run('docker', ['inspect', '--format', '{{.State.Running}}', name], {
    silent: true,
    allowFailure: true,
  });
  return res.stdout.trim() === 'true';
}

async function answers(http: Http, address: string): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${ANSWER_TIMEOUT_MS / 1000} s`), ANSWER_TIMEOUT_MS);
  });
  const asked = http.request({ method: 'GET', url: `http://${address}/v2/` }).then(
    async (res) => {
      await res.body.dump();
      return res.status === 200 || res.status === 401 ? undefined : `GET /v2/ answered ${res.status}`;
    },
    (err: unknown) => errorMessage(err),
  );
  try {
    return await Promise.race([asked, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Undefined when the registry runs and answers; else what is wrong with it, in words. */
export async function checkRegistryHealth(http: Http, state: RegistryState): Promise<string | undefined> {
  const running = state.container ? await containerRuns(state.container) : processRuns(state);
  if (!running) return 'exited';
  const problem = await answers(http, state.address);
  return problem && `runs but does not answer on http://${state.address}/v2/ (${problem})`;
}
