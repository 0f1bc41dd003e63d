// Writing the referrers found (referrers-find.ts) to every target, after the
// manifests they refer to and before the index's tags: blobs and manifests by
// digest first (a referrer before its own referrers); then, for an OCI 1.1
// referrer the target did not acknowledge with OCI-Subject (no referrers
// API), its entry added to the target's `sha256-<hex>` tag index; and last
// cosign's `.sig/.att/.sbom` tags. A cosign tag the target already holds
// with other content (signatures made there) is left as it is, with a warning.
import * as core from '@actions/core';
import { OCI_INDEX, isIndexType } from '../oci/media-types.js';
import {
  fallbackTag,
  mergeReferrers,
  parseReferrersIndex,
  referrersIndexBytes,
  type ReferrerDescriptor,
} from '../oci/referrers.js';
import { sha256Digest } from '../oci/digest.js';
import { copyImages, type CopyStats } from '../registry/copy.js';
import type { Target } from '../registry/clients.js';
import type { FoundReferrer } from './referrers-find.js';
import { addCopied } from './reached.js';

/** The OCI 1.1 referrers of each subject that a target did not register itself, for its tag index. */
function unregistered(
  found: readonly FoundReferrer[],
  acknowledged: Set<string>,
): Map<string, ReferrerDescriptor[]> {
  const bySubject = new Map<string, ReferrerDescriptor[]>();
  for (const r of found) {
    if (r.tag !== undefined || acknowledged.has(r.raw.digest)) continue;
    bySubject.set(r.subject, [...(bySubject.get(r.subject) ?? []), r.descriptor]);
  }
  return bySubject;
}

/** The referrers tag schema on a target without the API: read, extended, written back. */
async function updateTagIndex(target: Target, subject: string, added: ReferrerDescriptor[]): Promise<void> {
  const tag = fallbackTag(subject);
  const where = `${target.client.registry}/${target.repository}:${tag}`;
  const current = await target.client.getManifest(target.repository, tag, 'push');
  const existing = current && isIndexType(current.mediaType) ? parseReferrersIndex(current.bytes, where) : [];
  const merged = mergeReferrers(existing, added);
  if (!merged) return;
  const bytes = referrersIndexBytes(merged);
  await target.client.putManifest(target.repository, tag, {
    mediaType: OCI_INDEX,
    digest: sha256Digest(bytes),
    bytes,
  });
  core.info(`${where}: referrers index with ${merged.length} entr${merged.length === 1 ? 'y' : 'ies'}`);
}

/** A cosign tag written with the source's bytes, unless the target holds other content under it. */
async function writeCosignTag(target: Target, r: FoundReferrer & { tag: string }): Promise<void> {
  const where = `${target.client.registry}/${target.repository}:${r.tag}`;
  const current = await target.client.getManifest(target.repository, r.tag, 'push');
  if (current?.digest === r.raw.digest) return;
  if (current) {
    core.warning(
      `${where} already holds ${current.digest}, not the source's ${r.raw.digest}; kept the target's (cosign keeps every ${r.kind} of an image under one tag), so the source's ${r.kind} was not carried there.`,
    );
    return;
  }
  await target.client.putManifest(target.repository, r.tag, r.raw);
  core.info(`${where} -> ${r.raw.digest} (${r.kind})`);
}

/** Every referrer to every target; what was uploaded counts as reached, also on a failure part way. */
export async function copyReferrers(
  found: readonly FoundReferrer[],
  targets: readonly Target[],
  stats: CopyStats,
): Promise<void> {
  if (found.length === 0) return;
  const acknowledged = new Map<object, Set<string>>();
  const items = found.map((r) => ({ from: r.from, raw: r.raw }));
  try {
    await copyImages(items, targets, stats, (target, raw, ociSubject) => {
      if (!ociSubject) return;
      const set = acknowledged.get(target) ?? new Set<string>();
      acknowledged.set(target, set.add(raw.digest));
    });
  } finally {
    addCopied(stats);
  }
  for (const target of targets) {
    const missing = unregistered(found, acknowledged.get(target) ?? new Set());
    for (const [subject, added] of missing) await updateTagIndex(target, subject, added);
    for (const r of found) if (r.tag !== undefined) await writeCosignTag(target, { ...r, tag: r.tag });
  }
}
