// Builds the index (manifest list) from the platform entries (pure).
// All Docker schema 2 children -> a Docker manifest list; otherwise an OCI index.
import { DOCKER_LIST, DOCKER_MANIFEST, OCI_INDEX } from './media-types.js';
import type { Descriptor, ImageIndex } from './types.js';
import { isAttestation } from './attestations.js';
import { sha256Digest } from './digest.js';

export const INDEX_FORMATS = ['auto', 'oci', 'docker'] as const;
export type IndexFormat = (typeof INDEX_FORMATS)[number];

export function chooseIndexMediaType(entries: readonly Descriptor[], format: IndexFormat = 'auto'): string {
  if (format === 'oci') return OCI_INDEX;
  if (format === 'docker') return DOCKER_LIST;
  return entries.every((e) => e.mediaType === DOCKER_MANIFEST) ? DOCKER_LIST : OCI_INDEX;
}

export interface SerializedIndex {
  mediaType: string;
  bytes: Buffer;
  digest: string;
}

/** Serialises the index once; every tag is pushed with these same bytes. */
export function serializeIndex(
  entries: readonly Descriptor[],
  options: { format?: IndexFormat; annotations?: Record<string, string> } = {},
): SerializedIndex {
  if (entries.length === 0) throw new Error('cannot build an index without entries');
  const digests = new Set<string>();
  for (const e of entries) {
    if (digests.has(e.digest)) throw new Error(`manifest ${e.digest} appears twice in the index`);
    digests.add(e.digest);
  }
  const mediaType = chooseIndexMediaType(entries, options.format);
  const index: ImageIndex = { schemaVersion: 2, mediaType, manifests: entries.map((e) => ({ ...e })) };
  if (options.annotations && Object.keys(options.annotations).length > 0)
    index.annotations = options.annotations;
  const bytes = Buffer.from(JSON.stringify(index, null, 2));
  return { mediaType, bytes, digest: sha256Digest(bytes) };
}

/** Why these entries cannot go into this index format, or undefined when they can (pure). */
export function formatProblem(entries: readonly Descriptor[], format: IndexFormat): string | undefined {
  if (format !== 'docker') return undefined;
  const oci = entries.filter((e) => e.mediaType !== DOCKER_MANIFEST);
  if (oci.length === 0) return undefined;
  const what = oci.some(isAttestation) ? 'attestation manifests (set attestations: strip) or ' : '';
  return `Input 'index-format' is docker, but ${oci.length} entr${oci.length === 1 ? 'y is' : 'ies are'} not Docker schema 2 manifests (${oci[0]?.mediaType}); a Docker manifest list cannot hold ${what}OCI manifests. Use index-format: auto or oci.`;
}
