// push-by-digest: a job of a build fanned out over runners pushes its
// platform(s) to the target repository by digest only (no tag moves) and
// writes a small JSON file a merge job collects (with 'sources-from').
import * as core from '@actions/core';
import type { SerializedIndex } from '../oci/index.js';
import { copyEntries, type SourcedEntry, type Target } from './all-or-nothing.js';
import { digestFileContent, writeDigestFile } from './digest-file.js';

/** `platforms`: platform -> image manifest digest, for the digest file. */
export async function pushByDigest(
  entries: readonly SourcedEntry[],
  targets: readonly Target[],
  platforms: Record<string, string>,
  index: SerializedIndex,
  digestFile: string,
): Promise<void> {
  const untagged = targets.map((t) => ({ ...t, tags: [] }));
  const stats = await copyEntries(entries, untagged);
  core.info(`Blobs: ${stats.blobsUploaded} uploaded, ${stats.blobsSkipped} already there`);
  for (const t of untagged) {
    await t.client.putManifest(t.repository, index.digest, { ...index });
    core.info(`${t.client.registry}/${t.repository}@${index.digest} (no tag moved)`);
  }
  const [first] = untagged;
  if (digestFile && first) writeDigestFile(digestFile, digestFileContent(first, platforms, index));
}
