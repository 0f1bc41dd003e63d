// Git contexts ('context: https://host/repo.git#ref', 'git://…', 'git@host:repo.git'),
// which BuildKit fetches itself, and 'github-token' as BuildKit's Git auth for the
// workflow's own repository only, as build-push-action passes it: the secret
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

/** An http(s) Git URL without its ref and subdirectory (`#…`) or query (`?ref=…`): the repository. */
function repositoryUrl(context: string): string | undefined {
  if (!/^https?:\/\//i.test(context)) return undefined;
  return context.trim().split(/[#?]/)[0];
}

/** Where the workflow runs, as the runner says: GITHUB_SERVER_URL and GITHUB_REPOSITORY. */
export interface WorkflowRepository {
  /** https://github.com, or a GitHub Enterprise Server's URL; github.com when unset. */
  serverUrl?: string;
  /** owner/name; without it no context is the workflow's own and no token is passed. */
  repository?: string;
}

/** Unexpanded `${{ github.token }}` (the CLI and action.yml's default outside a runner): no token. */
export function tokenValue(raw: string): string {
  const v = raw.trim();
  return v.startsWith('${{') ? '' : v;
}

/**
 * The secret that lets BuildKit fetch the workflow's own repository as a Git
 * context: build-push-action passes 'github-token' only when the context
 * starts with its default context, `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}.git#…`,
 * so here the context's repository URL must be exactly that one (any ref or
 * subdirectory), over https (plain http only on loopback), and 'secrets' must
 * have no GIT_AUTH_TOKEN of its own. Another repository on the same server
 * gets nothing. Undefined otherwise.
 */
export function gitAuthSecret(
  context: string,
  token: string,
  workflow: WorkflowRepository,
  secrets: readonly Secret[],
): Secret | undefined {
  const repo = repositoryUrl(context);
  if (!token || !repo || !workflow.repository || !isGitContext(context)) return undefined;
  let server: URL;
  try {
    server = new URL(workflow.serverUrl || 'https://github.com');
  } catch {
    return undefined;
  }
  const own = `${server.origin}/${workflow.repository}.git`;
  if (repo !== own) return undefined;
  const loopback = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(server.hostname);
  if (server.protocol !== 'https:' && !loopback) return undefined;
  const id = `GIT_AUTH_TOKEN.${server.host}`;
  if (secrets.some((s) => s.id === 'GIT_AUTH_TOKEN' || s.id === id)) return undefined;
  return { id, value: token };
}
