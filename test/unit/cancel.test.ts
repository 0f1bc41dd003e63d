// Cancellation stops running commands and refuses new ones (own file: the
// cancelled state is process-wide).
import { expect, test } from 'vitest';
import { cancel, throwIfCancelled } from '../../src/cancel.js';
import { ExecError } from '../../src/errors.js';
import { run } from '../../src/exec.js';

test('a running command is stopped by the signal, later ones never start, pushing refuses', async () => {
  const started = Date.now();
  const running = run('sleep', ['30'], { silent: true });
  setTimeout(() => cancel('SIGTERM'), 200);
  const err = await running.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ExecError);
  expect((err as ExecError).exitCode).toBe(143);
  expect(Date.now() - started).toBeLessThan(10_000);
  await expect(run('true', [], { silent: true })).rejects.toThrow(/Cancelled by SIGTERM before running true/);
  expect(() => throwIfCancelled('pushing the index')).toThrow(
    'Cancelled by SIGTERM before pushing the index; nothing was pushed.',
  );
});
