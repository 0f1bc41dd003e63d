// The 'metadata' output in buildx's --metadata-file shape, as build-push-action
// sets it, describing what this action published: the index (the one thing
// pushed, so containerimage.digest is the 'digest' output), the tags as
// image.name, a one-platform build's config digest, and the build record's ref.
import type { SerializedIndex } from '../oci/index.js';

export interface BuildxMetadata {
  'containerimage.digest': string;
  'containerimage.descriptor': { mediaType: string; digest: string; size: number };
  /** One platform built: its config digest (buildx writes none for a multi-platform build). */
  'containerimage.config.digest'?: string;
  /** The tags, comma separated, as buildx writes them. */
  'image.name'?: string;
  /** The build record (docker buildx history); several builds: the first platform's. */
  'buildx.build.ref'?: string;
}

export function buildxMetadata(
  index: SerializedIndex,
  tags: readonly string[],
  configDigests: readonly string[],
  buildRefs: readonly string[],
): BuildxMetadata {
  const [config] = configDigests;
  const [ref] = buildRefs;
  return {
    'containerimage.descriptor': {
      mediaType: index.mediaType,
      digest: index.digest,
      size: index.bytes.length,
    },
    'containerimage.digest': index.digest,
    ...(configDigests.length === 1 && config && { 'containerimage.config.digest': config }),
    ...(tags.length > 0 && { 'image.name': tags.join(',') }),
    ...(ref && { 'buildx.build.ref': ref }),
  };
}
