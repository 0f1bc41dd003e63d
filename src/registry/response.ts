// Reading a registry's answers (pure but for draining): what is left of a
// body, the registry's error text, and query strings joined to a Location.
import { ERROR_TEXT_LIMIT, readPrefix } from '../bounded-body.js';
import type { HttpResponse } from '../http.js';
import { forLog } from '../log-safe.js';

/** How long the rest of an answer may take to arrive before it is dropped. */
const DRAIN_DEADLINE_MS = 10_000;

/**
 * Reads what is left of a body (an error text at most: 64 KiB are read, the
 * rest dropped with the connection); a body already read, or one that fails, gives ''.
 */
export async function drain(res: HttpResponse): Promise<string> {
  try {
    const bounds = { limit: ERROR_TEXT_LIMIT, what: 'answer', url: '', deadlineMs: DRAIN_DEADLINE_MS };
    return (await readPrefix(res, bounds)).toString('utf8').slice(0, 4096);
  } catch {
    return '';
  }
}

/** Appends a query parameter, leaving the registry's own query bytes untouched. */
export function withQuery(url: string, key: string, value: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}${key}=${encodeURIComponent(value)}`;
}

/**
 * "401 UNAUTHORIZED: authentication required" from a registry error body: the
 * registry's words, cut to 200 characters and escaped for the log.
 */
export function describeStatus(status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as { errors?: { code?: unknown; message?: unknown }[] };
    const first = parsed.errors?.[0];
    if (typeof first?.code === 'string' && first.code) {
      const message = typeof first.message === 'string' && first.message ? `: ${first.message}` : '';
      return forLog(`${status} ${first.code}${message}`.slice(0, 240));
    }
  } catch {
    // not a registry error body
  }
  const line = body.trim().split('\n')[0]?.slice(0, 200) ?? '';
  return forLog(`${status}${line ? `: ${line}` : ''}`);
}
