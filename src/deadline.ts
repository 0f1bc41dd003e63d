// How long one request may take as a whole, headers to last byte, and the
// one timer that ends it there (undici's requests in http.ts and the raw
// sockets of blob-path/ alike). Idle timeouts alone let a peer that drips one
// byte a second hold the job for ever; an overall deadline bounds it. A
// transfer's deadline grows with its size at a floor rate far below any
// working link, so only a peer that stalls on purpose (or a link that is all
// but down) meets it.

/** What every request gets at least: connect, headers, and a small body. */
export const BASE_DEADLINE_MS = 5 * 60_000;
/** The slowest rate a blob transfer may average: 64 KiB/s (a 1 GiB layer gets 4.6 h). */
export const FLOOR_BYTES_PER_S = 64 * 1024;

/** The overall deadline of a request that moves `bytes` (0 or unknown: the base). */
export function transferDeadlineMs(bytes: number | undefined): number {
  const n = bytes !== undefined && Number.isFinite(bytes) && bytes > 0 ? bytes : 0;
  return BASE_DEADLINE_MS + Math.ceil((n / FLOOR_BYTES_PER_S) * 1000);
}

export interface Deadline {
  /** Aborted at the deadline, its reason an ETIMEDOUT error (retried like a timed-out connection). */
  signal: AbortSignal;
  /** Stops the timer: call it once the request is over. */
  clear: () => void;
}

/** A request to `host`'s overall deadline, `ms` from now; the timer never keeps the process alive. */
export function overallDeadline(host: string, ms: number): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    const reason = new Error(`${host} did not finish within ${Math.round(ms / 1000)} s`);
    controller.abort(Object.assign(reason, { code: 'ETIMEDOUT' }));
  }, ms);
  timer.unref();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
