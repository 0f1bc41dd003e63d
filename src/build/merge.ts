// Build mode's merge: the platforms' images into one index, written to the
// local registry always, and to the targets when pushing (by tag, or by
// digest). Each platform's copy and the index push are timed for the summary.
import * as core from '@actions/core';
import { keepEntry, type MergedIndex } from '../oci/index-merge.js';
import { copyEntries, pushIndex, type SourcedEntry } from '../publish/all-or-nothing.js';
import { pushByDigest } from '../publish/by-digest.js';
import { buildIndex } from '../publish/merged-index.js';
import type { PublishOptions } from '../publish/options.js';
import type { RegistryClients } from '../registry/clients.js';
import type { Location } from '../registry/copy.js';
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
): Promise<void> {
  const targets = await clients.targets(options.tags);
  const stats = await timeline.time('Copies', `Every platform (${platforms})`, () =>
    copyEntries(sourced, targets),
  );
  core.info(
    `Blobs: ${stats.blobsUploaded} uploaded (${stats.bytesUploaded} bytes), ${stats.blobsMounted} mounted, ${stats.blobsSkipped} already there`,
  );
  const tags = targets.reduce((n, t) => n + t.tags.length, 0);
  await timeline.time('Index', `Pushing the index to ${tags} tag(s)`, () => pushIndex(targets, index));
}

export async function mergeBuilt(
  clients: RegistryClients,
  options: PublishOptions,
  local: Location,
  results: readonly PlatformResult[],
  timeline: Timeline,
): Promise<MergedIndex> {
  const entries = results.flatMap((r) => r.image.entries).filter((d) => keepEntry(d, options.attestations));
  const index = buildIndex(entries, options);
  await local.client.putManifest(local.repository, 'index', { ...index });
  core.info(`Index ${index.digest} (${index.mediaType}) with ${results.length} platform(s)`);
  const sourced = entries.map((descriptor) => ({ from: local, descriptor }));
  if (options.pushByDigest) {
    const platforms = Object.fromEntries(results.map((r) => [r.platform, r.image.digest]));
    const targets = await clients.targets(options.tags);
    await timeline.time('Copies', 'Every platform, by digest', () =>
      pushByDigest(sourced, targets, platforms, index, options.digestFile),
    );
  } else if (options.push) await publishTimed(clients, options, sourced, results.length, index, timeline);
  return index;
}
