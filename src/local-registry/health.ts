// Is the local registry still there? Asked when a build fails, so a registry
// that was killed (or stopped answering) is named as the cause instead of the
// Dockerfile: its process or container, then GET /v2/ within a few seconds.
import { isRunning } from './container.js';
import type { Http } from '../http.js';
import type { RegistryState } from '../state.js';
import { v2Problem } from './ready.js';
import { ownsPid } from './service.js';

const ANSWER_TIMEOUT_MS = 3_000;

/** "the local registry (pid 123)" or "(container multiarch-registry-…)" (pure). */
export function describeRegistry(state: RegistryState): string {
  return `the local registry (${state.container ? `container ${state.container}` : `pid ${state.pid}`})`;
}

async function answers(http: Http, address: string): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${ANSWER_TIMEOUT_MS / 1000} s`), ANSWER_TIMEOUT_MS);
  });
  try {
    return await Promise.race([v2Problem(http, address), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Undefined when the registry runs and answers; else what is wrong with it, in words. */
export async function checkRegistryHealth(http: Http, state: RegistryState): Promise<string | undefined> {
  const { container, pid } = state;
  const running = container ? await isRunning(container) : pid !== undefined && ownsPid({ ...state, pid });
  if (!running) return 'exited';
  const problem = await answers(http, state.address);
  return problem && `runs but does not answer on http://${state.address}/v2/ (${problem})`;
}
