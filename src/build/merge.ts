// Build mode's merge: the platforms' images into one index, written to the
// local registry always, and to the targets when pushing (by tag, or by
// digest). Each platform's copy and the index push are timed for the summary.
import * as core from '@actions/core';
import { keepEntry, type MergedIndex } from '../oci/index-merge.js';
import { copyEntries, pushIndex } from '../publish/all-or-nothing.js';
import { pushByDigest } from '../publish/by-digest.js';
import { buildIndex } from '../publish/merged-index.js';
import type { PublishOptions } from '../publish/options.js';
import { mapPool } from '../pool.js';
import type { RegistryClients } from '../registry/clients.js';
import type { CopyStats, Location } from '../registry/copy.js';
import type { Timeline } from '../timeline.js';
import type { PlatformResult } from './platforms.js';

/**
 * publish(), with each platform's images copied and timed on its own (one
 * platform at a time, each with the client's own blob concurrency), then the
 * index: still all or nothing, as nothing is tagged before every copy ended.
 */
async function publishTimed(
  clients: RegistryClients,
  options: PublishOptions,
  local: Location,
  results: readonly PlatformResult[],
  index: MergedIndex,
  timeline: Timeline,
): Promise<void> {
  const targets = await clients.targets(options.tags);
  const stats = await mapPool(results, 1, (r) => {
    const entries = r.image.entries.filter((d) => keepEntry(d, options.attestations));
    const sourced = entries.map((descriptor) => ({ from: local, descriptor }));
    return timeline.time('Copies', r.platform, () => copyEntries(sourced, targets));
  });
  const sum = (k: keyof CopyStats) => stats.reduce((n, s) => n + s[k], 0);
  core.info(
    `Blobs: ${sum('blobsUploaded')} uploaded (${sum('bytesUploaded')} bytes), ${sum('blobsMounted')} mounted, ${sum('blobsSkipped')} already there`,
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
  } else if (options.push) await publishTimed(clients, options, local, results, index, timeline);
  return index;
}
