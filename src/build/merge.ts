// Build mode's merge: the platforms' images into one index, written to the
// local registry always, and to the targets when pushing (by tag, or by digest).
import * as core from '@actions/core';
import { keepEntry, type MergedIndex } from '../oci/index-merge.js';
import { publish } from '../publish/all-or-nothing.js';
import { pushByDigest } from '../publish/by-digest.js';
import { buildIndex } from '../publish/merged-index.js';
import type { PublishOptions } from '../publish/options.js';
import type { RegistryClients } from '../registry/clients.js';
import type { Location } from '../registry/copy.js';
import type { PlatformResult } from './platforms.js';

export async function mergeBuilt(
  clients: RegistryClients,
  options: PublishOptions,
  local: Location,
  results: readonly PlatformResult[],
): Promise<MergedIndex> {
  const entries = results.flatMap((r) => r.image.entries).filter((d) => keepEntry(d, options.attestations));
  const index = buildIndex(entries, options);
  await local.client.putManifest(local.repository, 'index', { ...index });
  core.info(`Index ${index.digest} (${index.mediaType}) with ${results.length} platform(s)`);
  const sourced = entries.map((descriptor) => ({ from: local, descriptor }));
  if (options.pushByDigest) {
    const platforms = Object.fromEntries(results.map((r) => [r.platform, r.image.digest]));
    await pushByDigest(sourced, await clients.targets(options.tags), platforms, index, options.digestFile);
  } else if (options.push) await publish(clients, options.tags, sourced, index);
  return index;
}
