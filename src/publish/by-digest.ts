// push-by-digest: a job of a build fanned out over runners pushes its
// platform(s) to the target repository by digest only (no tag moves) and
// writes a small JSON file a merge job collects (with 'sources-from').
import * as core from '@actions/core';
import { writeFileSync } from 'node:fs';
import type { PlatformResult } from '../build/platforms.js';
import type { MergedIndex } from '../oci/index-merge.js';
import { copyEntries, type SourcedEntry, type Target } from './all-or-nothing.js';

export interface DigestFile {
  /** registry/repository the manifests were pushed to. */
  repository: string;
  /** platform -> image manifest digest. */
  platforms: Record<string, string>;
  /** This job's own index (untagged), for a merge job that takes indexes. */
  index: string;
}

/** The digest file's content (pure). */
export function digestFileContent(
  target: Target,
  results: readonly PlatformResult[],
  index: MergedIndex,
): DigestFile {
  return {
    repository: `${target.client.registry}/${target.repository}`,
    platforms: Object.fromEntries(results.map((r) => [r.platform, r.image.digest])),
    index: index.digest,
  };
}

export async function pushByDigest(
  entries: readonly SourcedEntry[],
  targets: Target[],
  results: readonly PlatformResult[],
  index: MergedIndex,
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
  if (digestFile && first) {
    writeFileSync(digestFile, `${JSON.stringify(digestFileContent(first, results, index), null, 2)}\n`);
    core.info(`Wrote ${digestFile}`);
  }
}
