// Reads builds back from the local registry (one platform's, or one index of
// several platforms by digest) and turns them into index entries: each image
// manifest, plus the attestation manifests buildx attached to it (kept beside
// their image, never counted as platforms).
import type { RegistryClient } from '../registry/client.js';
import type { Repo } from '../oci/image-source.js';
import { ActionError } from '../errors.js';
import { ATTESTATION_DIGEST, isAttestation } from '../oci/attestations.js';
import { isIndexType } from '../oci/media-types.js';
import type { Descriptor, ImageIndex, RawManifest } from '../oci/types.js';
import { readImageEntry, type ImageEntry } from '../oci/image-entry.js';

export interface BuiltImage {
  platform: string;
  /** The image manifest's digest: what `platform-digests` reports. */
  digest: string;
  /** Config plus layers, compressed, in bytes. */
  size: number;
  /** The image's config digest (its image ID). */
  configDigest: string;
  /** Index entries this build contributes (the image first). */
  entries: Descriptor[];
}

function parse<T>(raw: RawManifest): T {
  return JSON.parse(raw.bytes.toString('utf8')) as T;
}

async function imageEntry(
  local: Repo<RegistryClient>,
  raw: RawManifest,
  expected: string,
): Promise<ImageEntry> {
  const image = await readImageEntry(local, raw);
  const platform = image.entry.platform ?? { os: '', architecture: '' };
  const actual = [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
  if (actual !== expected) {
    throw new ActionError(
      `The image built for ${expected} says it is ${actual} in its config.`,
      `Check that the Dockerfile's FROM images exist for ${expected} (FROM --platform=$BUILDPLATFORM only for build stages).`,
    );
  }
  return image;
}

export async function readBuiltImage(
  local: Repo<RegistryClient>,
  ref: string,
  platform: string,
): Promise<BuiltImage> {
  const raw = await local.client.getManifest(local.repository, ref);
  if (!raw)
    throw new ActionError(
      `The build of ${platform} pushed nothing to the local registry (${local.repository}${ref.includes(':') ? '@' : ':'}${ref}).`,
    );
  if (!isIndexType(raw.mediaType)) {
    const { entry, size, configDigest } = await imageEntry(local, raw, platform);
    return { platform, digest: raw.digest, size, configDigest, entries: [entry] };
  }
  // docker-container driver: an index of image + attestation, even for one platform.
  const children = parse<ImageIndex>(raw).manifests;
  const images: Descriptor[] = [];
  let configDigest = '';
  const attestations = children.filter(isAttestation);
  let size = 0;
  for (const child of children.filter((c) => !isAttestation(c))) {
    const childRaw = await local.client.getManifest(local.repository, child.digest);
    if (!childRaw)
      throw new ActionError(
        `Manifest ${child.digest} of the ${platform} build is missing from the local registry.`,
      );
    const img = await imageEntry(local, childRaw, platform);
    images.push(img.entry);
    size += img.size;
    configDigest = img.configDigest;
  }
  const [first] = images;
  if (!first || images.length > 1) {
    throw new ActionError(`The build of ${platform} produced ${images.length} images; expected exactly one.`);
  }
  return { platform, digest: first.digest, size, configDigest, entries: [...images, ...attestations] };
}

/**
 * One multi-platform build's index, read by the digest buildx reported: each
 * platform's image manifest (by digest) with the attestations that name it.
 */
export async function readBuiltPlatforms(
  local: Repo<RegistryClient>,
  digest: string,
  platforms: readonly string[],
): Promise<BuiltImage[]> {
  const what = `The build of ${platforms.join(', ')}`;
  const raw = await local.client.getManifest(local.repository, digest);
  if (!raw)
    throw new ActionError(`${what} pushed nothing to the local registry (${local.repository}@${digest}).`);
  if (!isIndexType(raw.mediaType))
    throw new ActionError(
      `${what} pushed a single image (${raw.mediaType}), not an index of every platform.`,
    );
  const children = parse<ImageIndex>(raw).manifests;
  const attestations = children.filter(isAttestation);
  const images = children.filter((c) => !isAttestation(c));
  const listed = images.map((c) =>
    [c.platform?.os, c.platform?.architecture, c.platform?.variant].filter(Boolean).join('/'),
  );
  const unexpected = listed.filter((p) => !platforms.includes(p));
  if (unexpected.length > 0 || images.length !== platforms.length)
    throw new ActionError(
      `${what} produced images for ${listed.join(', ') || 'no platform'}; expected exactly one for each.`,
    );
  return Promise.all(
    platforms.map(async (platform) => {
      const child = images[listed.indexOf(platform)] as Descriptor;
      const childRaw = await local.client.getManifest(local.repository, child.digest);
      if (!childRaw)
        throw new ActionError(
          `Manifest ${child.digest} of the ${platform} build is missing from the local registry.`,
        );
      const { entry, size, configDigest } = await imageEntry(local, childRaw, platform);
      const own = attestations.filter((a) => a.annotations?.[ATTESTATION_DIGEST] === child.digest);
      return { platform, digest: entry.digest, size, configDigest, entries: [entry, ...own] };
    }),
  );
}
