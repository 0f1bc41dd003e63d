// Retry is one layer: what is worth another attempt (408, 429, 5xx, resets,
// truncation), capped and jittered backoff that honours Retry-After, and one
// budget per operation carried in AsyncLocalStorage, so a call that would
// retry on its own runs once inside an operation that already retries and
// attempts never multiply (go-containerregistry's transport/retry.go shape).
import * as core from '@actions/core';
import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { cancelSignal } from './cancel.js';
import { errorMessage, HttpError, errorCode } from './errors.js';

/** An error worth another attempt; `retryAfterMs` when the server said when. */
export class TransientError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'TransientError';
  }
}

const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNREFUSED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
]);

export function isTransientStatus(status: number): boolean {
  return TRANSIENT_STATUS.has(status);
}

export function isTransient(err: unknown): boolean {
  if (err instanceof TransientError) return true;
  const code = errorCode(err);
  return typeof code === 'string' && TRANSIENT_CODES.has(code);
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export interface RetryPolicy {
  /** Failures in a row (with no progress between them) before giving up. */
  attempts: number;
  baseMs: number;
  capMs: number;
  /** Give up too once this long has passed since the operation started or last made progress. */
  budgetMs?: number;
}

/**
 * Carries an operation through about a minute of 5xx, 429 and resets (a
 * registry restarting, GHCR's transient 504s): backoff from 0.25 s up to 15 s,
 * given up at the first failure past 60 s without progress, and never more
 * than 14 attempts, so a permanent failure costs a bounded number of requests.
 */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 14, baseMs: 250, capMs: 15_000, budgetMs: 60_000 };
/** For the action's own loopback services: an answer is immediate or never comes. */
export const LOCAL_RETRY: RetryPolicy = { attempts: 4, baseMs: 200, capMs: 1_000, budgetMs: 5_000 };

/** Capped exponential backoff with full jitter; the server's Retry-After wins (capped too). */
export function backoffMs(attempt: number, policy: RetryPolicy, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.capMs * 4);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/**
 * The one retry budget of an operation. Every failure anywhere inside it
 * counts against the same budget, so attempts never multiply: a call that
 * would retry on its own runs once inside an operation that retries (the
 * operation's loop retries it), and a step that retries in place (a chunk
 * resumed in its upload session) asks the same budget.
 */
export class RetryBudget {
  /** Failures since the operation started or last made progress: what the attempts bound. */
  private failures = 0;
  /** Failures since a request last got an answer: what the backoff grows with. */
  private streak = 0;
  private since = Date.now();

  constructor(
    readonly what: string,
    readonly policy: RetryPolicy,
  ) {}

  /** The attempt about to be made, from 1. */
  get attempt(): number {
    return this.failures + 1;
  }

  /** Waits before the next attempt, or throws: `err` when it is not transient, else a final error. */
  async retry(err: unknown, what = this.what): Promise<void> {
    if (!isTransient(err) || cancelSignal.aborted) throw err; // an abort is never retried
    this.failures++;
    this.streak++;
    const { attempts, budgetMs } = this.policy;
    const late = budgetMs !== undefined && Date.now() - this.since >= budgetMs;
    if (this.failures >= attempts || late)
      throw new HttpError(
        `Gave up ${what} after ${this.failures} attempts: ${errorMessage(err)}. The registry or the network in between keeps failing; run the job again later.`,
        undefined,
        'RETRIES_EXHAUSTED',
        err,
      );
    const retryAfter = err instanceof TransientError ? err.retryAfterMs : undefined;
    const backoff = backoffMs(this.streak, this.policy, retryAfter);
    const left = budgetMs === undefined ? backoff : budgetMs - (Date.now() - this.since);
    const wait = Math.max(0, Math.min(backoff, left));
    core.info(
      `Retrying in ${(wait / 1000).toFixed(1)} s (${this.failures + 1}/${attempts}): ${what}: ${errorMessage(err)}`,
    );
    await sleep(wait, undefined, { signal: cancelSignal });
  }

  /**
   * A request of the operation got an answer: the network is flaky, not down,
   * so the backoff starts small again (the attempts still count).
   */
  answered(): void {
    this.streak = 0;
  }

  /** The operation moved forward (a chunk landed): failures so far no longer count. */
  progress(): void {
    this.failures = 0;
    this.streak = 0;
    this.since = Date.now();
  }
}

const budgets = new AsyncLocalStorage<RetryBudget>();

/** The budget of the operation this code runs in, if any. */
export function currentBudget(): RetryBudget | undefined {
  return budgets.getStore();
}

/**
 * Runs `fn` until it succeeds, fails for good, or the budget is spent. Inside
 * an operation that already retries, `fn` runs once and its failure goes to
 * that operation's loop.
 */
export async function withRetry<T>(
  what: string,
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<T> {
  const outer = budgets.getStore();
  if (outer) return fn(outer.attempt);
  const budget = new RetryBudget(what, policy);
  return budgets.run(budget, async () => {
    for (;;) {
      try {
        return await fn(budget.attempt);
      } catch (err) {
        await budget.retry(err);
      }
    }
  });
}
