// What reached the targets so far in this run: blobs uploaded (untagged until
// the index goes out) and tags moved. A run stopped part way (cancelled) says
// exactly this, never a blanket "nothing was pushed".
import { ActionError } from '../errors.js';
import type { CopyStats } from '../registry/copy.js';

const reached = { blobs: 0, bytes: 0, interrupted: 0, tags: [] as string[] };

/** Adds a copy's stats as they stand, also when it stopped part way. */
export function addCopied(stats: CopyStats): void {
  reached.blobs += stats.blobsUploaded;
  reached.bytes += stats.bytesUploaded;
  reached.interrupted += stats.blobsInterrupted;
}

export function addTagged(where: string): void {
  reached.tags.push(where);
}

/** "3 blobs (41.9 MB) were uploaded untagged; nothing was tagged" and the like (pure on its input). */
export function describeReached(
  r: { blobs: number; bytes: number; interrupted?: number; tags: readonly string[] } = reached,
): string {
  const counted =
    r.blobs === 0
      ? 'no blob reached any target'
      : `${r.blobs} blob${r.blobs === 1 ? ' (' : 's ('}${(r.bytes / 1e6).toFixed(1)} MB) ${r.blobs === 1 ? 'was' : 'were'} uploaded untagged`;
  // An upload cut by the cancellation may have been committed by the registry before its answer came.
  const n = r.interrupted ?? 0;
  const blobs =
    n === 0
      ? counted
      : `${counted} (${n} more ${n === 1 ? 'was' : 'were'} being uploaded and may have landed)`;
  const tags =
    r.tags.length === 0
      ? 'nothing was tagged'
      : `${r.tags.length} tag(s) had already moved: ${r.tags.join(', ')}`;
  return `${blobs}; ${tags}`;
}

/** The error a cancelled run ends with, whatever was running when it stopped. */
export function cancelledError(signal: string): ActionError {
  return new ActionError(
    `Cancelled by ${signal}: running builds and uploads were stopped; ${describeReached()}.`,
    reached.tags.length > 0 ? 'Run the job again to move every tag to one index.' : undefined,
  );
}
