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
import type { PublishOptions } from './options.js';
import { findReferrers, type FoundReferrer } from './referrers-find.js';
import { copyReferrers } from './referrers-copy.js';
import { addCopied, addTagged } from './reached.js';
import { signPublished } from './signing.js';
import { mapPool } from '../pool.js';
import type { Timeline } from '../timeline.js';

export type { Target };

/** An index entry and the repository it is copied from. */
export interface SourcedEntry {
  from: Repo;
  descriptor: Descriptor;
  /** The platform it belongs to (an attestation: its image's), for the referrers summary. */
  platform?: string;
}

/** Requests at once to one registry where order does not matter (reads, checks, tags). */
const AT_ONCE = 8;

/** Every entry's manifest, read side by side, in the entries' order. */
function readEntries(entries: readonly SourcedEntry[]): Promise<Sourced[]> {
  return mapPool(entries, AT_ONCE, async ({ from, descriptor }) => {
    const raw = await from.client.getManifest(from.repository, descriptor.digest);
    if (!raw)
      throw new HttpError(
        `Manifest ${descriptor.digest} vanished from ${from.client.registry}/${from.repository}.`,
      );
    return { from, raw };
  });
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

/** A tag of a target, and whether it already points at the index. */
interface TagTo {
  target: Target;
  tag: string;
  already: boolean;
}

/** Every entry on every target (the check before any tag), and where each tag points now: side by side. */
async function checkAndReadTags(targets: readonly Target[], index: SerializedIndex): Promise<TagTo[]> {
  const entries = (JSON.parse(index.bytes.toString('utf8')) as { manifests: Descriptor[] }).manifests;
  const checks = targets.flatMap((target) => entries.map((entry) => ({ target, entry })));
  const tags = targets.flatMap((target) => target.tags.map((tag) => ({ target, tag })));
  const [, current] = await Promise.all([
    mapPool(checks, AT_ONCE, async ({ target, entry }) => {
      if (!(await target.client.hasManifest(target.repository, entry.digest)))
        throw new HttpError(
          `${target.client.registry}/${target.repository} does not have manifest ${entry.digest} after copying it; the index was not pushed.`,
        );
    }),
    mapPool(tags, AT_ONCE, async ({ target, tag }) => ({
      target,
      tag,
      already: (await target.client.getManifest(target.repository, tag, 'push'))?.digest === index.digest,
    })),
  ]);
  return current;
}

/** One target's tags written side by side (logged in order), then its index checked by digest. */
async function tagTarget(target: Target, tags: readonly TagTo[], index: SerializedIndex): Promise<void> {
  const raw = { mediaType: index.mediaType, digest: index.digest, bytes: index.bytes };
  const where = ({ tag }: TagTo) => `${target.client.registry}/${target.repository}:${tag}`;
  const tagged = new Set<TagTo>();
  try {
    await mapPool(tags, AT_ONCE, async (t) => {
      if (t.already) return;
      await target.client.putManifest(target.repository, t.tag, raw);
      addTagged(where(t));
      tagged.add(t);
    });
  } finally {
    // In the tags' order, also when one failed: what was tagged is said.
    for (const t of tags)
      if (t.already) core.info(`${where(t)} already points at ${index.digest}`);
      else if (tagged.has(t)) core.info(`${where(t)} -> ${index.digest}`);
  }
  // By digest, never by re-reading a tag: another run may move the tag the moment after our PUT.
  if (tags.length > 0 && !(await target.client.hasManifest(target.repository, index.digest))) {
    throw new HttpError(
      `${target.client.registry}/${target.repository} does not have index ${index.digest} after pushing it to ${target.tags.join(', ')}.`,
    );
  }
}

/** Every target checked (and its tags read) at once; then target after target, its tags and its check. */
export async function pushIndex(targets: readonly Target[], index: SerializedIndex): Promise<void> {
  const tags = await checkAndReadTags(targets, index);
  throwIfCancelled(`pushing the index`);
  for (const target of targets)
    await tagTarget(
      target,
      tags.filter((t) => t.target === target),
      index,
    );
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
  options: Pick<PublishOptions, 'tags' | 'referrers' | 'sign'>,
  entries: readonly SourcedEntry[],
  index: SerializedIndex,
  timing?: PublishTiming,
): Promise<FoundReferrer[]> {
  const targets = await clients.targets(options.tags);
  const roots = entries.map((e) => ({
    from: e.from,
    digest: e.descriptor.digest,
    platform: e.platform ?? '',
  }));
  // Read and checked before anything is written: a source that lies fails the run with nothing tagged.
  const referrers = options.referrers ? await findReferrers(roots) : [];
  const copy = () => copyEntries(entries, targets);
  const stats = timing
    ? await timing.timeline.time('Copies', `Every platform (${timing.platforms})`, copy)
    : await copy();
  core.info(blobsLine(stats, timing?.early ?? newStats()));
  // After the manifests they refer to, before any tag of the index.
  await copyReferrers(referrers, targets, newStats());
  const { sign } = options;
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
  return referrers;
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
