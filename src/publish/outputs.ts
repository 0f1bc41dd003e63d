// The action's outputs and job summary, from what a run produced: the only
// place outputs are set.
import * as core from '@actions/core';
import type { SerializedIndex } from '../oci/index.js';
import type { Phase } from '../timeline.js';
import { formatReference } from '../registry/reference.js';
import { writeEmulationSummary, writeSummary, type PlatformRow, type ReferrerRow } from '../summary.js';
import { buildxMetadata } from './buildx-metadata.js';
import type { PublishOptions } from './options.js';

export interface Outcome {
  index: SerializedIndex;
  rows: PlatformRow[];
  /** Build mode: where the time went, for the summary's chart. */
  timeline?: Phase[];
  /** What was carried along with the images, per platform (empty when nothing was). */
  referrers?: ReferrerRow[];
  /** Build mode: the build records' refs buildx wrote (buildx.build.ref), in platform order. */
  buildRefs?: string[];
}

export interface EmulationRow {
  platform: string;
  how: string;
  mode: string;
  detail: string;
}

/** Which platforms run emulated and which natively, set before any build (a failed run still has them). */
export async function writeEmulationOutputs(rows: readonly EmulationRow[]): Promise<void> {
  const list = (how: string) =>
    rows
      .filter((r) => r.how === how)
      .map((r) => r.platform)
      .join(',');
  core.setOutput('emulated-platforms', list('emulated'));
  core.setOutput('native-platforms', list('native'));
  await writeEmulationSummary(rows);
}

/**
 * build-push-action's imageid: what buildx writes to --iidfile, the config digest of a one-platform
 * build, and the index digest of a multi-platform one. Merge-only mode reads no configs: the index digest.
 */
export function imageId(rows: readonly PlatformRow[], indexDigest: string): string {
  const [only] = rows;
  return rows.length === 1 && only?.configDigest ? only.configDigest : indexDigest;
}

/** Build mode's config digests, one per platform (merge-only mode reads none). */
const configDigests = (rows: readonly PlatformRow[]) =>
  rows.every((r) => r.configDigest) ? rows.map((r) => r.configDigest as string) : [];

export async function writeOutputs(
  options: Pick<PublishOptions, 'tags' | 'push' | 'pushByDigest'>,
  { index, rows, timeline, referrers = [], buildRefs = [] }: Outcome,
): Promise<void> {
  const tags = options.tags.map(formatReference);
  const first = options.tags[0];
  const image = first ? `${first.registry}/${first.repository}@${index.digest}` : '';
  const pushed = options.push || options.pushByDigest;
  core.setOutput('digest', index.digest);
  core.setOutput('imageid', imageId(rows, index.digest));
  core.setOutput(
    'platform-digests',
    JSON.stringify(Object.fromEntries(rows.map((r) => [r.platform, r.digest]))),
  );
  core.setOutput('image', image);
  core.setOutput(
    'metadata',
    JSON.stringify({
      ...buildxMetadata(index, tags, configDigests(rows), buildRefs),
      digest: index.digest,
      mediaType: index.mediaType,
      image,
      tags,
      pushed,
      platforms: rows,
      referrers,
    }),
  );
  const summaryIndex = { digest: index.digest, mediaType: index.mediaType, tags, pushed };
  await writeSummary(rows, summaryIndex, timeline, referrers);
}
