// 'oci-archive': the published index and everything it references, as one
// OCI layout tarball named by the first tag.
import * as core from '@actions/core';
import { writeOciArchive } from '../oci/archive.js';
import { annotationsAt } from '../oci/annotation-levels.js';
import type { SerializedIndex } from '../oci/index.js';
import type { Repo } from '../oci/image-source.js';
import type { PublishOptions } from './options.js';

/** `sourceOf` says where each of the index's manifests is read from. */
export async function writeArchive(
  options: Pick<PublishOptions, 'ociArchive' | 'tags' | 'leveledAnnotations'>,
  sourceOf: (digest: string) => Repo,
  index: SerializedIndex,
): Promise<void> {
  const refName = options.tags[0]?.tag ?? 'latest';
  const descriptor = annotationsAt(options.leveledAnnotations, 'index-descriptor');
  await writeOciArchive(options.ociArchive, sourceOf, index, refName, descriptor);
  core.info(`Wrote ${index.digest} with every platform to ${options.ociArchive} (ref ${refName})`);
}
