// Reading a registry's answers (pure but for draining): what is left of a
// body, the registry's error text, and query strings joined to a Location.
import type { HttpResponse } from '../http.js';

/** Reads what is left of a body (an error text at most); a body already read gives ''. */
export async function drain(res: HttpResponse): Promise<string> {
  try {
    return (await res.body.text()).slice(0, 4096);
  } catch {
    return '';
  }
}

/** Appends a query parameter, leaving the registry's own query bytes untouched. */
export function withQuery(url: string, key: string, value: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}${key}=${encodeURIComponent(value)}`;
}

/** "401 UNAUTHORIZED: authentication required" from a registry error body. */
export function describeStatus(status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as { errors?: { code?: string; message?: string }[] };
    const first = parsed.errors?.[0];
    if (first?.code) return `${status} ${first.code}${first.message ? `: ${first.message}` : ''}`;
  } catch {
    // not a registry error body
  }
  return `${status}${body.trim() ? `: ${body.trim().split('\n')[0]?.slice(0, 200)}` : ''}`;
}
