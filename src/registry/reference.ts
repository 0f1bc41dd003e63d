// Parses image references the way docker does (pure):
// [host[:port]/]path[:tag][@digest], Docker Hub as the default registry.
import { isDigest } from '../oci/digest.js';

export interface Reference {
  /** As written by users: docker.io, ghcr.io, 127.0.0.1:5000. */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export const DOCKER_HUB = 'docker.io';
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::\d{1,5})?$/;

export class ReferenceSyntaxError extends Error {}

function looksLikeHost(component: string): boolean {
  return (
    component.includes('.') ||
    component.includes(':') ||
    component === 'localhost' ||
    component.startsWith('[')
  );
}

/** Throws ReferenceSyntaxError naming what is wrong. */
export function parseReference(raw: string): Reference {
  const input = raw.trim();
  if (input === '') throw new ReferenceSyntaxError('empty reference');
  const [name0, digest, ...extraAt] = input.split('@');
  if (extraAt.length > 0) throw new ReferenceSyntaxError('more than one "@"');
  if (digest !== undefined && !isDigest(digest)) {
    throw new ReferenceSyntaxError(`digest '${digest}' is not sha256:<64 hex digits>`);
  }
  let name = name0 ?? '';
  let tag: string | undefined;
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
    if (!TAG.test(tag))
      throw new ReferenceSyntaxError(`tag '${tag}' must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`);
  }
  const parts = name.split('/');
  let registry = DOCKER_HUB;
  if (parts.length > 1 && looksLikeHost(parts[0] ?? '')) {
    registry = parts.shift() ?? DOCKER_HUB;
    if (!HOST.test(registry))
      throw new ReferenceSyntaxError(`registry host '${registry}' is not a valid host[:port]`);
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  const bad = parts.find((p) => !PATH_COMPONENT.test(p));
  if (bad !== undefined) {
    throw new ReferenceSyntaxError(
      `repository component '${bad}' must be lowercase letters, digits and single separators (. _ __ -)`,
    );
  }
  const repository = parts.join('/');
  if (repository.length > 255) throw new ReferenceSyntaxError('repository name longer than 255 characters');
  return { registry, repository, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

export function formatReference(ref: Reference): string {
  const base = `${ref.registry}/${ref.repository}`;
  return `${base}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** The host that serves the registry API (Docker Hub's differs from its name). */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? 'registry-1.docker.io' : registry;
}

/** Loopback registries speak plain HTTP; everything else HTTPS unless listed insecure. */
export function isLoopbackHost(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
