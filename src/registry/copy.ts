// Copies images between registries: every blob first (streamed, verified
// where the bytes come from outside, see blob-open.ts,
// skipped when present, mounted within a registry, all blobs of all images
// through one bounded pool), then manifests byte for byte, children first.
// To several registries at once, each blob is read once for all of them
// (shared-read.ts).
import { cancelSignal } from '../cancel.js';
import { HttpError } from '../errors.js';
import { isIndexType } from '../oci/media-types.js';
import type { Descriptor, ImageIndex, ImageManifest, RawManifest } from '../oci/types.js';
import { RegistryClient } from './client.js';
import { isLeanSource, LEAN_MIN_BYTES, openBlobBody } from './blob-open.js';
import type { Repo } from '../oci/image-source.js';
import { SharedRead, type ReadTurn } from '../blob-path/shared-read.js';
import { uploadBlob } from './upload.js';
import { mapPool } from '../pool.js';

export interface CopyStats {
  blobsUploaded: number;
  blobsMounted: number;
  blobsSkipped: number;
  bytesUploaded: number;
  /** Uploads running when the job was cancelled: their answers were cut, so each may have landed. */
  blobsInterrupted: number;
}

/** A manifest to copy and where it comes from. */
export interface Sourced {
  from: Repo;
  raw: RawManifest;
}

export function newStats(): CopyStats {
  return { blobsUploaded: 0, blobsMounted: 0, blobsSkipped: 0, bytesUploaded: 0, blobsInterrupted: 0 };
}

const BLOB_CONCURRENCY = 4;
/**
 * Blobs below LEAN_MIN_BYTES (configs, small layers) go in a lane of their own beside the large ones:
 * each is a few round trips and a few KiB (the undici way, no pump buffers), so they run under the
 * large transfers instead of waiting for the large layers to free a slot.
 */
const SMALL_BLOB_CONCURRENCY = 4;
const MANIFEST_CONCURRENCY = 8;

/** The target refused a blob read from the local registry's own files: they are damaged. */
function damaged(err: unknown, from: Repo, to: Repo<RegistryClient>, blob: Descriptor): unknown {
  if (!isLeanSource(from.client) || !(err instanceof HttpError) || !/DIGEST_INVALID/.test(err.message))
    return err;
  return new HttpError(
    `Cannot copy blob ${blob.digest} to ${to.client.registry}/${to.repository}: the registry refused its bytes as DIGEST_INVALID, so the local registry's file ${from.client.fileOf(blob.digest)} is damaged (disk full, or changed on disk). Nothing was tagged; run the job again.`,
    err.status,
    'DIGEST_INVALID',
    err,
  );
}

/** Copies one blob; with a turn, its first read is the one it shares with the other targets. */
export async function copyBlob(
  from: Repo,
  to: Repo<RegistryClient>,
  blob: Descriptor,
  stats: CopyStats,
  turn?: ReadTurn,
): Promise<void> {
  try {
    await copyOneBlob(from, to, blob, stats, turn);
  } finally {
    turn?.settle(); // it never read: the others need not wait for it
  }
}

async function copyOneBlob(
  from: Repo,
  to: Repo<RegistryClient>,
  blob: Descriptor,
  stats: CopyStats,
  turn: ReadTurn | undefined,
): Promise<void> {
  if (await to.client.hasBlob(to.repository, blob.digest)) {
    stats.blobsSkipped++;
    return;
  }
  const sameRegistry = from.client === to.client && from.repository !== to.repository;
  const how = await uploadBlob(
    to.client,
    to.repository,
    blob,
    turn ? () => turn.open() : () => openBlobBody(from, blob),
    sameRegistry ? from.repository : undefined,
  ).catch((err: unknown) => {
    if (cancelSignal.aborted) stats.blobsInterrupted++;
    throw damaged(err, from, to, blob);
  });
  if (how === 'mounted') {
    stats.blobsMounted++;
    return;
  }
  stats.blobsUploaded++;
  stats.bytesUploaded += blob.size;
}

function parseJson<T>(raw: RawManifest): T {
  return JSON.parse(raw.bytes.toString('utf8')) as T;
}

/** Index children expanded before their index: the order manifests must be written in. */
async function expand(items: readonly Sourced[]): Promise<Sourced[]> {
  const out: Sourced[] = [];
  for (const item of items) {
    if (isIndexType(item.raw.mediaType)) {
      // The children are read a few at a time; they keep the index's order.
      const children = await mapPool(
        parseJson<ImageIndex>(item.raw).manifests,
        MANIFEST_CONCURRENCY,
        async (child): Promise<Sourced> => {
          const raw = await item.from.client.getManifest(item.from.repository, child.digest);
          if (!raw)
            throw new HttpError(
              `Cannot copy index ${item.raw.digest} from ${item.from.client.registry}/${item.from.repository}: it lists ${child.digest}, which that registry does not have. Push the missing image again, or merge without it.`,
            );
          return { from: item.from, raw };
        },
      );
      out.push(...(await expand(children)));
    }
    out.push(item);
  }
  return out;
}

/** Waits for every copy, then fails with the first failure: no copy runs on unseen. */
async function allOrFirstFailure(copies: readonly Promise<unknown>[]): Promise<void> {
  const settled = await Promise.allSettled(copies);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

interface BlobToCopy {
  from: Repo;
  blob: Descriptor;
  shared?: SharedRead;
}

/**
 * One target's blobs, large and small in lanes side by side; after a failure no blob starts in either
 * lane. A blob it never got to (its copy failed first) is settled, so no read waits for it.
 */
async function copyAllTo(
  list: readonly BlobToCopy[],
  target: Repo<RegistryClient>,
  stats: CopyStats,
): Promise<void> {
  const work = list.map((b) => ({ ...b, turn: b.shared?.turn() }));
  let failed = false;
  const copy = async (w: (typeof work)[number]): Promise<void> => {
    if (failed) return;
    await copyBlob(w.from, target, w.blob, stats, w.turn).catch((err: unknown) => {
      failed = true;
      throw err;
    });
  };
  const large = work.filter((w) => w.blob.size >= LEAN_MIN_BYTES);
  const small = work.filter((w) => w.blob.size < LEAN_MIN_BYTES);
  try {
    await allOrFirstFailure([
      mapPool(large, BLOB_CONCURRENCY, copy),
      mapPool(small, SMALL_BLOB_CONCURRENCY, copy),
    ]);
  } finally {
    for (const w of work) w.turn?.settle();
  }
}

async function copyBlobsOf(
  manifests: readonly Sourced[],
  to: readonly Repo<RegistryClient>[],
  stats: CopyStats,
): Promise<void> {
  const blobs = new Map<string, BlobToCopy>();
  for (const { from, raw } of manifests) {
    if (isIndexType(raw.mediaType)) continue;
    const manifest = parseJson<ImageManifest>(raw);
    for (const blob of [manifest.config, ...manifest.layers])
      if (!blobs.has(blob.digest)) blobs.set(blob.digest, { from, blob });
  }
  // Largest first: within the large lane the biggest start at once (sort is stable: equal sizes keep
  // their order); the small ones have their own lane (copyAllTo).
  const list = [...blobs.values()].sort((a, b) => b.blob.size - a.blob.size);
  if (to.length > 1)
    for (const b of list) b.shared = new SharedRead(() => openBlobBody(b.from, b.blob), to.length);
  // Every target takes the blobs in the same order, so a shared read never waits on a target that
  // waits in turn: a target ahead waits, the one behind has already decided on everything before.
  await allOrFirstFailure(to.map((target) => copyAllTo(list, target, stats)));
}

const many = (to: Repo<RegistryClient> | readonly Repo<RegistryClient>[]): readonly Repo<RegistryClient>[] =>
  'client' in to ? [to] : to;

/**
 * Only the blobs the manifests reference: no manifest is written (an upload ahead of the merge). With
 * several targets (on different registries), each blob is read once for all of them.
 */
export async function copyBlobs(
  items: readonly Sourced[],
  to: Repo<RegistryClient> | readonly Repo<RegistryClient>[],
  stats: CopyStats,
): Promise<void> {
  await copyBlobsOf(await expand(items), many(to), stats);
}

/** Told of each manifest written, with the OCI-Subject header the registry answered (referrers API). */
export type OnWritten = (target: Repo<RegistryClient>, raw: RawManifest, ociSubject?: string) => void;

/** Copies manifests (images or indexes) and everything they reference into `to`, parents last. */
export async function copyImages(
  items: readonly Sourced[],
  to: Repo<RegistryClient> | readonly Repo<RegistryClient>[],
  stats: CopyStats,
  onWritten?: OnWritten,
): Promise<void> {
  const manifests = await expand(items);
  await copyBlobsOf(manifests, many(to), stats);
  const unique = [...new Map(manifests.map(({ raw }) => [raw.digest, raw])).values()];
  // Images need only their blobs: all at once. Indexes after, in order (children before parents).
  const images = unique.filter((raw) => !isIndexType(raw.mediaType));
  const indexes = unique.filter((raw) => isIndexType(raw.mediaType));
  await allOrFirstFailure(
    many(to).map(async (target) => {
      const put = async (raw: (typeof unique)[number]) => {
        const ociSubject = await target.client.putManifest(target.repository, raw.digest, raw);
        onWritten?.(target, raw, ociSubject);
      };
      await mapPool(images, MANIFEST_CONCURRENCY, put);
      for (const raw of indexes) await put(raw);
    }),
  );
}
