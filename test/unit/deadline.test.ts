// The overall deadline: how long a transfer may take (pure), and the one
// timer that ends a request there, for undici's requests (a signal) and for
// the blob path's raw sockets (destroyed with the signal's reason).
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { destroyAtDeadline } from '../../src/blob-path/raw-http.js';
import {
  BASE_DEADLINE_MS,
  FLOOR_BYTES_PER_S,
  overallDeadline,
  transferDeadlineMs,
} from '../../src/deadline.js';
import { isTransient } from '../../src/retry.js';

test.each([
  [1, undefined, BASE_DEADLINE_MS],
  [2, 0, BASE_DEADLINE_MS],
  [3, Number.NaN, BASE_DEADLINE_MS],
  [4, FLOOR_BYTES_PER_S, BASE_DEADLINE_MS + 1000],
  [5, 1024 ** 3, BASE_DEADLINE_MS + 16_384_000],
])('%i: a transfer of %s bytes gets %i ms', (_n, bytes, ms) => {
  expect(transferDeadlineMs(bytes)).toBe(ms);
});

test('the signal aborts at the deadline with an ETIMEDOUT naming the host and the seconds, retried as a timeout', async () => {
  const deadline = overallDeadline('registry.test:5000', 20);
  expect(deadline.signal.aborted).toBe(false);
  await new Promise((r) => setTimeout(r, 60));
  expect(deadline.signal.aborted).toBe(true);
  const reason = deadline.signal.reason as Error & { code?: string };
  expect(reason.message).toBe('registry.test:5000 did not finish within 0 s');
  expect(reason.code).toBe('ETIMEDOUT');
  expect(isTransient(reason)).toBe(true);
});

test('cleared before the deadline, it never aborts', async () => {
  const deadline = overallDeadline('registry.test', 20);
  deadline.clear();
  await new Promise((r) => setTimeout(r, 60));
  expect(deadline.signal.aborted).toBe(false);
});

let server: Server;
let port = 0;
beforeAll(async () => {
  // Accepts and never answers: only the deadline ends a request to it.
  server = createServer(() => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

async function connected(): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise((r) => socket.once('connect', r));
  return socket;
}

test("a raw socket is destroyed at its transfer's deadline with the same ETIMEDOUT", async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  try {
    const socket = await connected();
    const closed = new Promise<Error | undefined>((r) => socket.once('error', r));
    destroyAtDeadline(socket, `127.0.0.1:${port}`, FLOOR_BYTES_PER_S * 2);
    vi.advanceTimersByTime(BASE_DEADLINE_MS + 1999);
    expect(socket.destroyed).toBe(false);
    vi.advanceTimersByTime(1);
    const err = (await closed) as Error & { code?: string };
    expect(socket.destroyed).toBe(true);
    expect(err.message).toBe(`127.0.0.1:${port} did not finish within 302 s`);
    expect(err.code).toBe('ETIMEDOUT');
  } finally {
    vi.useRealTimers();
  }
});

test('a raw socket closed before its deadline clears the timer', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  try {
    const socket = await connected();
    destroyAtDeadline(socket, `127.0.0.1:${port}`, 0);
    expect(vi.getTimerCount()).toBe(1);
    socket.destroy();
    await new Promise((r) => socket.once('close', r));
    expect(vi.getTimerCount()).toBe(0);
  } finally {
    vi.useRealTimers();
  }
});
