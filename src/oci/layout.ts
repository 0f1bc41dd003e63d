// OCI image layouts as sources (pure): 'oci-archive:PATH[:REF]' (a tarball)
// and 'oci:DIR[:REF]' (a directory), skopeo's syntax; the file names inside a
// layout; and which index.json entry a reference means.
import * as path from 'node:path';
import { ActionError } from '../errors.js';
import type { Descriptor } from './types.js';

export type LayoutTransport = 'oci-archive' | 'oci';

export interface LayoutReference {
  transport: LayoutTransport;
  /** Absolute: relative paths are resolved against the workspace. */
  path: string;
  /** The org.opencontainers.image.ref.name of the index.json entry to take. */
  refName?: string;
}

export const REF_NAME = 'org.opencontainers.image.ref.name';

/** The image-spec grammar of ref names: components of alphanumerics joined by - . _ : @ + or --, and /. */
const REF_NAME_SYNTAX =
  /^[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*(?:\/[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*)*$/;
const SHA256 = /^sha256:([a-f0-9]{64})$/;

export class LayoutSyntaxError extends Error {}

/**
 * A layout reference, or undefined when `raw` is a registry reference. Like
 * skopeo, the path ends at its first ':'. 'oci:5000/app' stays a registry
 * reference (a host named oci, port 5000).
 */
export function parseLayoutReference(raw: string, cwd: string): LayoutReference | undefined {
  const m = /^(oci-archive|oci):(.*)$/s.exec(raw.trim());
  if (!m || /^\d{1,5}\//.test(m[2] ?? '')) return undefined;
  const transport = m[1] as LayoutTransport;
  const rest = m[2] ?? '';
  const colon = rest.indexOf(':');
  const file = colon === -1 ? rest : rest.slice(0, colon);
  const refName = colon === -1 ? undefined : rest.slice(colon + 1);
  if (file === '') throw new LayoutSyntaxError(`no path after '${transport}:'`);
  if (refName !== undefined && !REF_NAME_SYNTAX.test(refName))
    throw new LayoutSyntaxError(
      `ref name '${refName}' must be letters and digits joined by - . _ : @ + or /, such as 1.0 or app/v1`,
    );
  return { transport, path: path.resolve(cwd, file), ...(refName !== undefined && { refName }) };
}

export function formatLayoutReference(ref: LayoutReference): string {
  return `${ref.transport}:${ref.path}${ref.refName !== undefined ? `:${ref.refName}` : ''}`;
}

export function isLayoutReference(ref: object): ref is LayoutReference {
  return 'transport' in ref;
}

/** 'blobs/sha256/<hex>'; any other digest is refused (it would also be a path outside the layout). */
export function blobPath(digest: string): string {
  const hex = SHA256.exec(digest)?.[1];
  if (!hex)
    throw new ActionError(`Digest '${digest}' is not sha256:<64 hex digits>; only sha256 layouts are read.`);
  return `blobs/sha256/${hex}`;
}

function describeEntry(d: Descriptor): string {
  const name = d.annotations?.[REF_NAME];
  return name !== undefined ? `'${name}'` : `${d.digest} (no ref name)`;
}

/** The index.json entry a reference means: the one named, else the only one. */
export function selectLayoutEntry(ref: LayoutReference, manifests: readonly Descriptor[]): Descriptor {
  const what = formatLayoutReference({ ...ref, refName: undefined });
  const names = manifests.map(describeEntry).join(', ');
  if (ref.refName !== undefined) {
    const named = manifests.find((d) => d.annotations?.[REF_NAME] === ref.refName);
    if (named) return named;
    throw new ActionError(
      `Input 'sources' has '${formatLayoutReference(ref)}', but ${what} holds no image named '${ref.refName}'; it holds ${names || 'nothing'}.`,
      `Use one of those names after the path (${what}:NAME).`,
    );
  }
  const [only, ...more] = manifests;
  if (only && more.length === 0) return only;
  if (!only)
    throw new ActionError(
      `Input 'sources' has '${what}', whose index.json lists no image. Write the layout again (e.g. with 'oci-archive', or skopeo copy --all).`,
    );
  const named = manifests.find((d) => d.annotations?.[REF_NAME] !== undefined)?.annotations?.[REF_NAME];
  throw new ActionError(
    `Input 'sources' has '${what}', which holds ${manifests.length} images: ${names}.`,
    named !== undefined
      ? `Name one after the path, e.g. ${what}:${named}.`
      : `None has a ref name to choose it by: write one image per layout.`,
  );
}
