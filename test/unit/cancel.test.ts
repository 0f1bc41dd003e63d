// Cancellation stops running commands and requests, and refuses new ones (own
// file: the cancelled state is process-wide).
import { expect, test } from 'vitest';
import { createServer } from 'node:http';
import { cancel, cancelSignal, throwIfCancelled } from '../../src/cancel.js';
import { ExecError } from '../../src/errors.js';
import { run } from '../../src/exec.js';
import { Http } from '../../src/http.js';
import { withRetry, TransientError } from '../../src/retry.js';

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
    'Cancelled by SIGTERM before pushing the index.',
  );
  expect(cancelSignal.aborted).toBe(true);
});

test('after the cancel, a request fails at once and a retry loop does not retry', async () => {
  const server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  const url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/`;
  const http = new Http();
  let attempts = 0;
  try {
    await expect(http.request({ method: 'GET', url })).rejects.toThrow(/Cancelled by SIGTERM/);
    await expect(
      withRetry('a transient failure', () => {
        attempts++;
        return Promise.reject(new TransientError('503'));
      }),
    ).rejects.toThrow('503');
    expect(attempts).toBe(1);
  } finally {
    await http.close();
    server.close();
  }
});
