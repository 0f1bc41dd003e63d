// Build mode's merge: the platforms' images into one index, written to the
// local registry always, and to the targets when pushing (by tag, or by
// digest). Each platform's copy and the index push are timed for the summary.
import type { SourceLocation } from '../oci/image-source.js';
import * as core from '@actions/core';
import { keepEntry, type MergedIndex } from '../oci/index-merge.js';
import { copyEntries, pushIndex, type SourcedEntry } from '../publish/all-or-nothing.js';
import { pushByDigest } from '../publish/by-digest.js';
import { buildIndex } from '../publish/merged-index.js';
import type { PublishOptions } from '../publish/options.js';
import type { RegistryClients } from '../registry/clients.js';
import { newStats, type CopyStats, type Location } from '../registry/copy.js';
import type { EarlyCopies } from './early-copies.js';
import type { Timeline } from '../timeline.js';
import type { PlatformResult } from './platforms.js';

/**
 * publish(), timed for the summary: every platform's images in one copy, so
 * blobs shared between platforms are sent once and the big layers of several
 * platforms travel side by side (the client's blob pool), then the index:
 * still all or nothing, as nothing is tagged before the copy ended.
 */
async function publishTimed(
  clients: RegistryClients,
  options: PublishOptions,
  sourced: readonly SourcedEntry[],
  platforms: number,
  index: MergedIndex,
  timeline: Timeline,
  early: CopyStats,
): Promise<void> {
  const targets = await clients.targets(options.tags);
  const stats = await timeline.time('Copies', `Every platform (${platforms})`, () =>
    copyEntries(sourced, targets),
  );
  const ahead = early.blobsUploaded + early.blobsMounted;
  const skipped = stats.blobsSkipped - ahead;
  core.info(
    `Blobs: ${stats.blobsUploaded + early.blobsUploaded} uploaded (${stats.bytesUploaded + early.bytesUploaded} bytes), ${stats.blobsMounted + early.blobsMounted} mounted, ${Math.max(skipped, 0)} already there${ahead > 0 ? `; ${ahead} of these while other platforms built` : ''}`,
  );
  const tags = targets.reduce((n, t) => n + t.tags.length, 0);
  await timeline.time('Index', `Pushing the index to ${tags} tag(s)`, () => pushIndex(targets, index));
}

export async function mergeBuilt(
  clients: RegistryClients,
  options: PublishOptions,
  { local, localSource }: { local: Location; localSource: SourceLocation },
  results: readonly PlatformResult[],
  timeline: Timeline,
  early?: EarlyCopies,
): Promise<MergedIndex> {
  const ahead = early ? await early.settle() : newStats(); // a failed upload fails here, before any manifest
  const entries = results.flatMap((r) => r.image.entries).filter((d) => keepEntry(d, options.attestations));
  const index = buildIndex(entries, options);
  await local.client.putManifest(local.repository, 'index', { ...index });
  core.info(`Index ${index.digest} (${index.mediaType}) with ${results.length} platform(s)`);
  const sourced = entries.map((descriptor) => ({ from: localSource, descriptor }));
  if (options.pushByDigest) {
    const platforms = Object.fromEntries(results.map((r) => [r.platform, r.image.digest]));
    const targets = await clients.targets(options.tags);
    await timeline.time('Copies', 'Every platform, by digest', () =>
      pushByDigest(sourced, targets, platforms, index, options.digestFile),
    );
  } else if (options.push)
    await publishTimed(clients, options, sourced, results.length, index, timeline, ahead);
  return index;
}
