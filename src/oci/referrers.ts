// Referrers (pure): what hangs off an image as signatures, SBOMs and
// attestations, in the two shapes registries keep them in. An OCI 1.1
// referrer is a manifest whose `subject` is the image; a registry lists them
// at /v2/<name>/referrers/<digest>, and one without that API keeps the same
// list as an index under the tag `sha256-<hex>` (the referrers tag schema).
// cosign (without its OCI 1.1 mode) keeps no subject: its signatures,
// attestations and SBOMs live under the tags `sha256-<hex>.sig`, `.att` and
// `.sbom`. Here: those tag names, reading a referrers list, and what kind of
// artifact a referrer is, for the summary.
import { checkDigest } from './digest.js';
import { OCI_INDEX } from './media-types.js';
import type { Descriptor, ImageIndex } from './types.js';

/** cosign's tag suffixes, in the order they are looked for. */
export const COSIGN_SUFFIXES = ['sig', 'att', 'sbom'] as const;
export type CosignSuffix = (typeof COSIGN_SUFFIXES)[number];

/** How deep referrers of referrers are followed: image -> attestation -> its signature -> one more. */
export const MAX_REFERRER_DEPTH = 3;
/** At most this many referrers are carried per copied manifest (its whole tree). */
export const MAX_REFERRERS = 64;
/** Pages of a paginated referrers answer followed (each up to 4 MiB). */
export const MAX_REFERRER_PAGES = 8;

export type ReferrerKind = 'signature' | 'sbom' | 'provenance' | 'attestation' | 'other';

/** A referrer descriptor: a manifest's descriptor plus its artifactType. */
export interface ReferrerDescriptor extends Descriptor {
  artifactType?: string;
}

/** The referrers tag schema's tag for a digest ('sha256-<hex>'), or cosign's with a suffix. */
export function fallbackTag(digest: string, suffix?: CosignSuffix): string {
  const tag = checkDigest(digest, 'A referrer subject').replace(':', '-');
  return suffix ? `${tag}.${suffix}` : tag;
}

/** A manifest (image or artifact) as far as referrers care. */
export interface ReferrerManifest {
  mediaType?: string;
  artifactType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** The subject digest a manifest declares, or undefined; a subject that is not a digest is refused. */
export function subjectOf(manifest: ReferrerManifest, where: string): string | undefined {
  if (manifest.subject === undefined) return undefined;
  return checkDigest(manifest.subject?.digest, `The subject of ${where}`);
}

/** The artifact type the referrers API reports for a manifest: artifactType, else the config's media type. */
export function artifactTypeOf(manifest: ReferrerManifest): string {
  return manifest.artifactType ?? manifest.config?.mediaType ?? '';
}

/** The descriptor a referrers index lists for a manifest (OCI 1.1: with artifactType and annotations). */
export function referrerDescriptor(
  manifest: ReferrerManifest,
  raw: { mediaType: string; digest: string; bytes: Buffer },
): ReferrerDescriptor {
  const type = artifactTypeOf(manifest);
  return {
    mediaType: raw.mediaType,
    digest: raw.digest,
    size: raw.bytes.length,
    ...(type && { artifactType: type }),
    ...(manifest.annotations && { annotations: manifest.annotations }),
  };
}

/** The entries of a referrers list (the API's answer, or the `sha256-<hex>` tag's index), checked. */
export function parseReferrersIndex(bytes: Buffer, where: string): ReferrerDescriptor[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new Error(`${where} is not JSON`);
  }
  const manifests = (parsed as Partial<ImageIndex> | null)?.manifests;
  if (!Array.isArray(manifests)) throw new Error(`${where} is not an image index (no manifests list)`);
  return manifests.map((d: Partial<ReferrerDescriptor>, i) => {
    const digest = checkDigest(d?.digest, `Entry ${i} of ${where}`);
    if (typeof d.mediaType !== 'string' || !Number.isSafeInteger(d.size) || (d.size ?? -1) < 0)
      throw new Error(`entry ${i} of ${where} has no media type or size`);
    return { ...d, digest } as ReferrerDescriptor;
  });
}

/** A referrers index listing `entries` (what the `sha256-<hex>` tag holds), serialized once. */
export function referrersIndexBytes(entries: readonly ReferrerDescriptor[]): Buffer {
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries }));
}

/** `existing` with `added` appended where not listed yet (by digest); undefined when nothing is new. */
export function mergeReferrers(
  existing: readonly ReferrerDescriptor[],
  added: readonly ReferrerDescriptor[],
): ReferrerDescriptor[] | undefined {
  const seen = new Set(existing.map((d) => d.digest));
  const fresh = added.filter((d) => !seen.has(d.digest) && seen.add(d.digest));
  return fresh.length === 0 ? undefined : [...existing, ...fresh];
}

const SBOM = /spdx|cyclonedx|syft|\bsbom\b/i;
const PROVENANCE = /slsa\.dev\/provenance|provenance/i;
const SIGNATURE =
  /^application\/vnd\.dev\.cosign\.artifact\.sig|^application\/vnd\.dev\.sigstore\.bundle|notary\.signature|cosign\.simplesigning/;
const ATTESTATION = /in-toto|dsse\.envelope|attestation/i;

/** The predicate types an attestation's layers name (cosign annotates each with 'predicateType'). */
function predicateTypes(manifest: ReferrerManifest): string[] {
  const named = [manifest.annotations, ...(manifest.layers ?? []).map((l) => l.annotations)];
  return named.map((a) => a?.predicateType ?? a?.['in-toto.io/predicate-type'] ?? '').filter(Boolean);
}

/** What a referrer is, for the summary: by cosign's tag suffix, else by its types and predicates. */
export function referrerKind(manifest: ReferrerManifest, suffix?: CosignSuffix): ReferrerKind {
  if (suffix === 'sig') return 'signature';
  if (suffix === 'sbom') return 'sbom';
  const type = artifactTypeOf(manifest);
  const layerTypes = (manifest.layers ?? []).map((l) => l.mediaType).join(' ');
  if (SIGNATURE.test(type) || (!suffix && SIGNATURE.test(layerTypes))) return 'signature';
  if (SBOM.test(type)) return 'sbom';
  const predicates = predicateTypes(manifest);
  if (suffix === 'att' || ATTESTATION.test(type) || predicates.length > 0) {
    if (predicates.some((p) => PROVENANCE.test(p))) return 'provenance';
    if (predicates.some((p) => SBOM.test(p))) return 'sbom';
    return 'attestation';
  }
  return 'other';
}
