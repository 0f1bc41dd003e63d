// Builds the index (manifest list) from the platform entries (pure).
// All Docker schema 2 children -> a Docker manifest list; otherwise an OCI index.
import { createHash } from 'node:crypto';
import { DOCKER_LIST, DOCKER_MANIFEST, OCI_INDEX } from './media-types.js';
import type { Descriptor, ImageConfig, ImageIndex, OciPlatform } from './types.js';

export type IndexFormat = 'auto' | 'oci' | 'docker';

export const ATTESTATION_REFERENCE_TYPE = 'vnd.docker.reference.type';

export function isAttestation(d: Descriptor): boolean {
  return d.annotations?.[ATTESTATION_REFERENCE_TYPE] === 'attestation-manifest';
}

/** Platform fields taken from the image config blob, never guessed. */
export function platformFromConfig(config: ImageConfig): OciPlatform {
  if (!config.os || !config.architecture) {
    throw new Error('image config has no os/architecture');
  }
  const p: OciPlatform = { architecture: config.architecture, os: config.os };
  if (config.variant) p.variant = config.variant;
  if (config['os.version']) p['os.version'] = config['os.version'];
  if (config['os.features']?.length) p['os.features'] = config['os.features'];
  return p;
}

export function chooseIndexMediaType(entries: readonly Descriptor[], format: IndexFormat = 'auto'): string {
  if (format === 'oci') return OCI_INDEX;
  if (format === 'docker') return DOCKER_LIST;
  return entries.every((e) => e.mediaType === DOCKER_MANIFEST) ? DOCKER_LIST : OCI_INDEX;
}

export interface MergedIndex {
  mediaType: string;
  bytes: Buffer;
  digest: string;
}

export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Serialises the index once; every tag is pushed with these same bytes. */
export function mergeIndex(
  entries: readonly Descriptor[],
  options: { format?: IndexFormat; annotations?: Record<string, string> } = {},
): MergedIndex {
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
