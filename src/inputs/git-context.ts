// Git contexts ('context: https://host/repo.git#ref', 'git://…', 'git@host:repo.git'),
// which BuildKit fetches itself, and 'github-token' as BuildKit's Git auth for the
// workflow's own server only, as build-push-action passes it: the secret
// GIT_AUTH_TOKEN.<host>, which BuildKit sends to that host and no other (pure).
import type { Secret } from '../buildx/secrets.js';

/** What buildx takes as a Git context: git://, git@…, or an http(s) URL of a `.git` repository. */
export function isGitContext(context: string): boolean {
  const c = context.trim();
  if (/^git:\/\//i.test(c) || /^git@[^:]+:/.test(c) || /^ssh:\/\//i.test(c)) return true;
  return /^https?:\/\//i.test(c) && /\.git(#.*)?$/i.test(c.split('?')[0] ?? '');
}

/** A URL context that buildx would not read as Git (a tarball, a plain page): not supported here. */
export function isOtherUrl(context: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(context.trim()) && !isGitContext(context);
}

/** The host (with port) of an http(s) Git URL, or undefined for git://, ssh and anything else. */
function httpHost(context: string): string | undefined {
  if (!/^https?:\/\//i.test(context)) return undefined;
  try {
    return new URL(context.split('#')[0] ?? '').host;
  } catch {
    return undefined;
  }
}

/** Unexpanded `${{ github.token }}` (the CLI and action.yml's default outside a runner): no token. */
export function tokenValue(raw: string): string {
  const v = raw.trim();
  return v.startsWith('${{') ? '' : v;
}

/**
 * The secret that lets BuildKit fetch a Git context from the workflow's server
 * (GITHUB_SERVER_URL, https://github.com by default): only for an http(s)
 * context on that very host, only when 'secrets' has no GIT_AUTH_TOKEN of its
 * own, and over plain http only on loopback. Undefined otherwise.
 */
export function gitAuthSecret(
  context: string,
  token: string,
  serverUrl: string | undefined,
  secrets: readonly Secret[],
): Secret | undefined {
  const host = httpHost(context);
  if (!token || !host || !isGitContext(context)) return undefined;
  let server: URL;
  try {
    server = new URL(serverUrl || 'https://github.com');
  } catch {
    return undefined;
  }
  if (server.host !== host) return undefined;
  const loopback = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(server.hostname);
  if (!/^https:/i.test(context) && !loopback) return undefined;
  const id = `GIT_AUTH_TOKEN.${host}`;
  if (secrets.some((s) => s.id === 'GIT_AUTH_TOKEN' || s.id === id)) return undefined;
  return { id, value: token };
}
