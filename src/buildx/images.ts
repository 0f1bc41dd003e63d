// The docker driver also stores each build in the engine's image store; the
// run removes those tags (only its own: they name its local registry).
import { run } from '../exec.js';
import { engineFlags } from './capabilities.js';

/** Removes them from the runner's engine, or from `engine` (a docker context or host). */
export async function removeImages(refs: readonly string[], engine?: string): Promise<void> {
  // Missing ones are fine (a build that failed early tagged nothing).
  const args = [...engineFlags(engine), 'image', 'rm', '--force', ...refs];
  const res = await run('docker', args, { silent: true, allowFailure: true });
  if (res.exitCode !== 0 && !/No such image/i.test(res.stderr)) {
    throw new Error(res.stderr.trim().split('\n').slice(-3).join(' '));
  }
}
