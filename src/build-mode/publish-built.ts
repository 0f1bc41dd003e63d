// Build mode's publish: the platforms' images into one index, written to the
// local registry always, and to the targets when pushing (by tag, or by
// digest). Each platform's copy and the index push are timed for the summary.
import type { RegistryClient } from '../registry/client.js';
import type { Repo } from '../oci/image-source.js';
import * as core from '@actions/core';
import { keepEntry } from '../oci/attestations.js';
import { type SerializedIndex } from '../oci/index.js';
import { publish } from '../publish/all-or-nothing.js';
import { pushByDigest } from '../publish/by-digest.js';
import { publishableIndex } from '../publish/publishable-index.js';
import type { PublishOptions } from '../publish/options.js';
import type { RegistryClients } from '../registry/clients.js';
import { newStats } from '../registry/copy.js';
import type { EarlyCopies } from './early-copies.js';
import type { Timeline } from '../timeline.js';
import type { PlatformResult } from './platforms.js';

export async function publishBuilt(
  clients: RegistryClients,
  options: PublishOptions,
  { local, localSource }: { local: Repo<RegistryClient>; localSource: Repo },
  results: readonly PlatformResult[],
  timeline: Timeline,
  early?: EarlyCopies,
): Promise<SerializedIndex> {
  const ahead = early ? await early.settle() : newStats(); // a failed upload fails here, before any manifest
  const entries = results.flatMap((r) => r.image.entries).filter((d) => keepEntry(d, options.attestations));
  const index = publishableIndex(entries, options);
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
    await publish(clients, options, sourced, index, {
      timeline,
      platforms: results.length,
      early: ahead,
    });
  return index;
}
