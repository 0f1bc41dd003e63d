// All or nothing: every child manifest (with its blobs) reaches every target
// repository before the index is written to any tag; every tag gets the same
// bytes, so each yields the same digest.
import * as core from '@actions/core';
import { throwIfCancelled } from '../cancel.js';
import { HttpError } from '../errors.js';
import type { MergedIndex } from '../oci/index-merge.js';
import type { Descriptor } from '../oci/types.js';
import { copyManifest, newStats, type CopyStats, type Location } from './copy.js';

export interface Target extends Location {
  tags: string[];
}

export async function copyEntries(
  from: Location,
  targets: readonly Target[],
  entries: readonly Descriptor[],
): Promise<CopyStats> {
  const stats = newStats();
  for (const target of targets) {
    for (const entry of entries) {
      throwIfCancelled(`copying ${entry.digest} to ${target.client.registry}/${target.repository}`);
      const raw = await from.client.getManifest(from.repository, entry.digest);
      if (!raw) throw new Error(`manifest ${entry.digest} vanished from the local registry`);
      await copyManifest(from, target, raw, stats);
    }
  }
  return stats;
}

export async function pushIndex(targets: readonly Target[], index: MergedIndex): Promise<void> {
  throwIfCancelled(`pushing the index`);
  const raw = { mediaType: index.mediaType, digest: index.digest, bytes: index.bytes };
  for (const target of targets) {
    for (const tag of target.tags) {
      const current = await target.client.getManifest(target.repository, tag, 'push');
      const where = `${target.client.registry}/${target.repository}:${tag}`;
      if (current?.digest === index.digest) {
        core.info(`${where} already points at ${index.digest}`);
        continue;
      }
      await target.client.putManifest(target.repository, tag, raw);
      core.info(`${where} -> ${index.digest}`);
    }
    const first = target.tags[0];
    if (first) {
      const served = await target.client.getManifest(target.repository, first, 'push');
      if (served?.digest !== index.digest) {
        throw new HttpError(
          `${target.client.registry}/${target.repository}:${first} serves ${served?.digest ?? 'nothing'} after pushing index ${index.digest}.`,
        );
      }
    }
  }
}
