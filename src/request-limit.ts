// A time limit on each request of a piece of work (the pre-flight): a host
// that takes the connection and never answers fails in seconds, not at the
// dispatcher's 30 s connect or 60 s headers timeouts.
import { AsyncLocalStorage } from 'node:async_hooks';

const limits = new AsyncLocalStorage<number>();

/**
 * Runs `fn` with each request it makes limited to `ms`, from connect to the answer's headers: for
 * checks that must fail in seconds on a host that takes the connection and never answers.
 */
export function withRequestLimit<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  return limits.run(ms, fn);
}

/** The limit of the work running now, as a signal that aborts when it has passed; undefined outside one. */
export function requestLimit(): { ms: number; signal: AbortSignal } | undefined {
  const ms = limits.getStore();
  return ms === undefined ? undefined : { ms, signal: AbortSignal.timeout(ms) };
}

/** Rejects once `signal` aborts. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) =>
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }),
  );
}

/** A request that got no answer in time: ETIMEDOUT, so it reads (and retries) as a timed-out connection. */
export function noAnswer(url: string, ms: number): Error {
  const error = new Error(`no answer from ${new URL(url).host} within ${ms / 1000} s`);
  return Object.assign(error, { code: 'ETIMEDOUT' });
}
