// Builds the index (manifest list) from the platform entries (pure).
// All Docker schema 2 children -> a Docker manifest list; otherwise an OCI index.
import { createHash } from 'node:crypto';
import { DOCKER_LIST, DOCKER_MANIFEST, OCI_INDEX } from './media-types.js';
import type { Descriptor, ImageConfig, ImageIndex, OciPlatform } from './types.js';
import { forLog } from '../log-safe.js';

export const INDEX_FORMATS = ['auto', 'oci', 'docker'] as const;
export type IndexFormat = (typeof INDEX_FORMATS)[number];
/** 'keep' attestation manifests beside their images, or 'strip' them. */
export const ATTESTATION_MODES = ['keep', 'strip'] as const;
export type AttestationMode = (typeof ATTESTATION_MODES)[number];

export const ATTESTATION_REFERENCE_TYPE = 'vnd.docker.reference.type';

const PLATFORM_FIELD = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function isAttestation(d: Descriptor): boolean {
  return d.annotations?.[ATTESTATION_REFERENCE_TYPE] === 'attestation-manifest';
}

/** Platform fields taken from the image config blob, never guessed. */
export function platformFromConfig(config: ImageConfig): OciPlatform {
  if (!config.os || !config.architecture) {
    throw new Error('image config has no os/architecture');
  }
  // These reach the log, the summary and the index: only the characters platforms are made of.
  for (const [field, value] of [
    ['os', config.os],
    ['architecture', config.architecture],
    ['variant', config.variant],
  ] as const)
    if (value !== undefined && !PLATFORM_FIELD.test(String(value)))
      throw new Error(
        `image config has ${field} '${forLog(String(value).slice(0, 40))}', which is not a platform name (letters, digits, '.', '_', '-')`,
      );
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

/** The image digest an attestation manifest describes. */
export const ATTESTATION_DIGEST = 'vnd.docker.reference.digest';

/** linux/arm/v7, windows/amd64:10.0.17763.1 (pure): one index lists each once. */
export function platformKey(p: OciPlatform | undefined): string {
  if (!p) return 'unknown';
  const base = [p.os, p.architecture, p.variant].filter(Boolean).join('/');
  return p['os.version'] ? `${base}:${p['os.version']}` : base;
}

/** 'strip' leaves attestation manifests out of the index (and so out of the copy). */
export function keepEntry(d: Descriptor, attestations: AttestationMode): boolean {
  return attestations === 'keep' || !isAttestation(d);
}

/** Why these entries cannot go into this index format, or undefined when they can (pure). */
export function formatProblem(entries: readonly Descriptor[], format: IndexFormat): string | undefined {
  if (format !== 'docker') return undefined;
  const oci = entries.filter((e) => e.mediaType !== DOCKER_MANIFEST);
  if (oci.length === 0) return undefined;
  const what = oci.some(isAttestation) ? 'attestation manifests (set attestations: strip) or ' : '';
  return `Input 'index-format' is docker, but ${oci.length} entr${oci.length === 1 ? 'y is' : 'ies are'} not Docker schema 2 manifests (${oci[0]?.mediaType}); a Docker manifest list cannot hold ${what}OCI manifests. Use index-format: auto or oci.`;
}
