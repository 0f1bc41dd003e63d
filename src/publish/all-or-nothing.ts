// All or nothing: every entry's manifest (with its blobs) reaches every target
// repository, and is checked there, before the index is written to any tag;
// every tag gets the same bytes, so each yields the same digest.
import * as core from '@actions/core';
import { throwIfCancelled } from '../cancel.js';
import { HttpError } from '../errors.js';
import type { SerializedIndex } from '../oci/index.js';
import type { Descriptor } from '../oci/types.js';
import { copyBlobs, copyImages, newStats, type CopyStats, type Sourced } from '../registry/copy.js';
import type { Repo } from '../oci/image-source.js';
import type { RegistryClients, Target } from '../registry/clients.js';
import { addCopied, addTagged } from './reached.js';
import type { PublishOptions } from './options.js';
import { signPublished } from './signing.js';
import type { Timeline } from '../timeline.js';

export type { Target };

/** An index entry and the repository it is copied from. */
export interface SourcedEntry {
  from: Repo;
  descriptor: Descriptor;
}

async function readEntries(entries: readonly SourcedEntry[]): Promise<Sourced[]> {
  const items: Sourced[] = [];
  for (const { from, descriptor } of entries) {
    const raw = await from.client.getManifest(from.repository, descriptor.digest);
    if (!raw)
      throw new HttpError(
        `Manifest ${descriptor.digest} vanished from ${from.client.registry}/${from.repository}.`,
      );
    items.push({ from, raw });
  }
  return items;
}

/**
 * Every entry with its blobs to every target (manifests by digest, untagged). The first repository on
 * each registry is copied to together, each blob read once for all of them; a second repository on a
 * registry then copies from the first one there, so its blobs are mounted (one request each).
 */
export async function copyEntries(
  entries: readonly SourcedEntry[],
  targets: readonly Target[],
  copy: typeof copyImages = copyImages,
): Promise<CopyStats> {
  const stats = newStats();
  const items = await readEntries(entries);
  const firstOn = new Map<Target['client'], Target>();
  for (const target of targets) if (!firstOn.has(target.client)) firstOn.set(target.client, target);
  const firsts = [...firstOn.values()];
  try {
    throwIfCancelled(`copying to ${firsts.map((t) => `${t.client.registry}/${t.repository}`).join(', ')}`);
    await copy(items, firsts, stats);
    for (const target of targets.filter((t) => !firsts.includes(t))) {
      throwIfCancelled(`copying to ${target.client.registry}/${target.repository}`);
      const sibling = firstOn.get(target.client);
      const from = sibling && sibling.repository !== target.repository ? sibling : undefined;
      await copy(from ? items.map((i) => ({ ...i, from })) : items, target, stats);
    }
  } finally {
    addCopied(stats); // what landed, also when a copy stopped part way
  }
  return stats;
}

/** Only the entries' blobs, to every target: nothing a client could pull by a tag or a manifest digest. */
export function copyEntryBlobs(
  entries: readonly SourcedEntry[],
  targets: readonly Target[],
): Promise<CopyStats> {
  return copyEntries(entries, targets, copyBlobs);
}

async function checkReferenced(target: Target, index: SerializedIndex): Promise<void> {
  const entries = (JSON.parse(index.bytes.toString('utf8')) as { manifests: Descriptor[] }).manifests;
  for (const entry of entries) {
    if (!(await target.client.hasManifest(target.repository, entry.digest))) {
      throw new HttpError(
        `${target.client.registry}/${target.repository} does not have manifest ${entry.digest} after copying it; the index was not pushed.`,
      );
    }
  }
}

export async function pushIndex(targets: readonly Target[], index: SerializedIndex): Promise<void> {
  for (const target of targets) await checkReferenced(target, index);
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
      addTagged(where);
      core.info(`${where} -> ${index.digest}`);
    }
    // By digest, never by re-reading a tag: another run may move the tag the moment after our PUT.
    if (target.tags.length > 0 && !(await target.client.hasManifest(target.repository, index.digest))) {
      throw new HttpError(
        `${target.client.registry}/${target.repository} does not have index ${index.digest} after pushing it to ${target.tags.join(', ')}.`,
      );
    }
  }
}

/** Copies every entry to every tag's repository, then pushes the index: all or nothing. */
/** How build mode times a publish for its summary, and the blobs its early copies already sent. */
export interface PublishTiming {
  timeline: Timeline;
  platforms: number;
  early: CopyStats;
}

/**
 * Every entry's images in one copy to every target (blobs shared between
 * platforms are sent once, big layers travel side by side), then their
 * signatures ('sign'), then the index: nothing is tagged before the copy and
 * the signing ended.
 */
export async function publish(
  clients: RegistryClients,
  { tags, sign }: Pick<PublishOptions, 'tags' | 'sign'>,
  entries: readonly SourcedEntry[],
  index: SerializedIndex,
  timing?: PublishTiming,
): Promise<void> {
  const targets = await clients.targets(tags);
  const copy = () => copyEntries(entries, targets);
  const stats = timing
    ? await timing.timeline.time('Copies', `Every platform (${timing.platforms})`, copy)
    : await copy();
  core.info(blobsLine(stats, timing?.early ?? newStats()));
  if (sign.mode !== 'false') {
    const signing = () =>
      signPublished(
        sign,
        targets,
        index,
        entries.map((e) => e.descriptor),
      );
    if (timing) await timing.timeline.time('Signatures', `Signing (${sign.mode})`, signing);
    else await signing();
  }
  const push = () => pushIndex(targets, index);
  const count = targets.reduce((n, t) => n + t.tags.length, 0);
  if (timing) await timing.timeline.time('Index', `Pushing the index to ${count} tag(s)`, push);
  else await push();
}

/** "Blobs: 3 uploaded (… bytes), 1 mounted, 0 already there", counting what early copies sent. */
function blobsLine(stats: CopyStats, early: CopyStats): string {
  const ahead = early.blobsUploaded + early.blobsMounted;
  const skipped = Math.max(stats.blobsSkipped - ahead, 0);
  const uploaded = `${stats.blobsUploaded + early.blobsUploaded} uploaded (${stats.bytesUploaded + early.bytesUploaded} bytes)`;
  const mounted = `${stats.blobsMounted + early.blobsMounted} mounted`;
  const during = ahead > 0 ? `; ${ahead} of these while other platforms built` : '';
  return `Blobs: ${uploaded}, ${mounted}, ${skipped} already there${during}`;
}
