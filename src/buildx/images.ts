// The docker driver also stores each build in the engine's image store; the
// run removes those tags (only its own: they name its local registry).
import { run } from '../exec.js';

export async function removeImages(refs: readonly string[]): Promise<void> {
  // Missing ones are fine (a build that failed early tagged nothing).
  const res = await run('docker', ['image', 'rm', '--force', ...refs], { silent: true, allowFailure: true });
  if (res.exitCode !== 0 && !/No such image/i.test(res.stderr)) {
    throw new Error(res.stderr.trim().split('\n').slice(-3).join(' '));
  }
}
