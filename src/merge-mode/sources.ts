// Merge-only mode's sources: each reference read into one image per platform
// (a single-platform manifest, or every image of an index), with the
// attestation manifests that describe it, platforms read from the configs.
// A source is a registry reference or an OCI image layout (oci-archive:, oci:).
import { ActionError } from '../errors.js';
import { ATTESTATION_DIGEST, isAttestation } from '../oci/attestations.js';
import { platformKey } from '../oci/platform-of.js';
import { formatLayoutReference, isLayoutReference, type LayoutReference } from '../oci/layout.js';
import { isIndexType, isManifestType } from '../oci/media-types.js';
import type { Descriptor, ImageIndex, RawManifest } from '../oci/types.js';
import * as core from '@actions/core';
import type { RegistryClient } from '../registry/client.js';
import type { Repo } from '../oci/image-source.js';
import { readImageEntry } from '../oci/image-entry.js';
import { LayoutSource } from '../oci/layout-source.js';
import { formatReference, type Reference } from '../registry/reference.js';
import { mapPool } from '../pool.js';

/** Manifests and configs read at once from the sources' registries. */
const READ_CONCURRENCY = 8;

/** An entry of 'sources' (or of a digest file): a registry reference or an OCI image layout. */
export type SourceReference = Reference | LayoutReference;

export interface SourceImage {
  /** The source reference as written in 'sources'. */
  source: string;
  from: Repo;
  platform: string;
  digest: string;
  size: number;
  /** The image's index entry first, then its attestations. */
  entries: Descriptor[];
}

/** Where a source's images are, and the tag or digest of its top manifest there. */
interface Located {
  source: string;
  from: Repo;
  ref: string;
}

async function sourceImage(
  source: string,
  from: Repo,
  raw: RawManifest,
  attestations: Descriptor[],
): Promise<SourceImage> {
  const { entry, size } = await readImageEntry(from, raw);
  const platform = platformKey(entry.platform);
  return { source, from, platform, digest: raw.digest, size, entries: [entry, ...attestations] };
}

async function readChild(source: string, from: Repo, child: Descriptor): Promise<RawManifest> {
  if (!isManifestType(child.mediaType))
    throw new ActionError(
      `Source '${source}' lists ${child.mediaType} ${child.digest}; only image manifests can be merged (no nested indexes).`,
    );
  const raw = await from.client.getManifest(from.repository, child.digest);
  if (!raw)
    throw new ActionError(
      `Source '${source}' lists ${child.digest}, which ${from.client.registry} does not have.`,
    );
  return raw;
}

export async function readSource({ source, from, ref }: Located): Promise<SourceImage[]> {
  const raw = await from.client.getManifest(from.repository, ref);
  if (!raw)
    throw new ActionError(
      `Source '${source}' was not found on ${from.client.registry}.`,
      `Check 'sources' (registry, repository, tag or digest) and that the image was pushed before this step.`,
    );
  if (isManifestType(raw.mediaType)) return [await sourceImage(source, from, raw, [])];
  if (!isIndexType(raw.mediaType))
    throw new ActionError(
      `Source '${source}' is a ${raw.mediaType || 'manifest of unknown type'}, not an image or an index.`,
    );
  const children = (JSON.parse(raw.bytes.toString('utf8')) as ImageIndex).manifests;
  const attestations = children.filter(isAttestation);
  // Side by side (each child is a round trip or two to its registry), in the index's order.
  return mapPool(
    children.filter((c) => !isAttestation(c)),
    READ_CONCURRENCY,
    async (child) => {
      const describes = attestations.filter((a) => a.annotations?.[ATTESTATION_DIGEST] === child.digest);
      return sourceImage(source, from, await readChild(source, from, child), describes);
    },
  );
}

/** One index lists each platform once: two sources of one platform is a mistake to report. */
export function checkDistinctPlatforms(images: readonly SourceImage[]): void {
  const seen = new Map<string, SourceImage>();
  for (const image of images) {
    const other = seen.get(image.platform);
    if (other)
      throw new ActionError(
        `Sources '${other.source}' and '${image.source}' are both ${image.platform}; an index lists each platform once. Remove one from 'sources'.`,
      );
    seen.set(image.platform, image);
  }
}

async function locate(
  ref: SourceReference,
  clientFor: (registry: string) => Promise<RegistryClient>,
): Promise<Located> {
  if (isLayoutReference(ref)) {
    const layout = LayoutSource.open(ref);
    return {
      source: formatLayoutReference(ref),
      from: { client: layout, repository: '' },
      ref: layout.entry.digest,
    };
  }
  const from = { client: await clientFor(ref.registry), repository: ref.repository };
  return { source: formatReference(ref), from, ref: ref.digest ?? ref.tag ?? 'latest' };
}

/** Every source, read side by side, not logged (logSources); fails on a platform given twice. */
export async function readSources(
  refs: readonly SourceReference[],
  clientFor: (registry: string) => Promise<RegistryClient>,
): Promise<SourceImage[]> {
  // Read side by side, logged in the order given.
  const read = await mapPool(refs, READ_CONCURRENCY, async (ref) => readSource(await locate(ref, clientFor)));
  const images = read.flat();
  checkDistinctPlatforms(images);
  return images;
}

/** A line per image read, in the sources' order; answers the images. */
export function logSources(images: SourceImage[]): SourceImage[] {
  for (const image of images) {
    const extra = image.entries.length > 1 ? ` (+${image.entries.length - 1} attestation)` : '';
    core.info(`${image.source}: ${image.platform} ${image.digest}${extra}`);
  }
  return images;
}
