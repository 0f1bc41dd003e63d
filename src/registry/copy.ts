// Copies images between registries: every blob first (streamed, verified,
// skipped when present), then child manifests byte for byte, then the parent.
import { pipeline } from 'node:stream';
import { withRetry } from '../http.js';
import { isIndexType } from '../oci/media-types.js';
import type { Descriptor, ImageIndex, ImageManifest, RawManifest } from '../oci/types.js';
import type { RegistryClient } from './client.js';
import { DigestVerifier } from './digest-stream.js';

export interface Location {
  client: RegistryClient;
  repository: string;
}

export interface CopyStats {
  blobsUploaded: number;
  blobsSkipped: number;
  bytesUploaded: number;
}

export function newStats(): CopyStats {
  return { blobsUploaded: 0, blobsSkipped: 0, bytesUploaded: 0 };
}

const BLOB_CONCURRENCY = 4;

/**
 * Runs fn over items with at most `limit` at once. After the first failure no
 * new item starts; in-flight ones settle before the first error is thrown.
 */
export async function mapPool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
  return results;
}

export async function copyBlob(
  from: Location,
  to: Location,
  blob: Descriptor,
  stats: CopyStats,
): Promise<void> {
  if (await to.client.hasBlob(to.repository, blob.digest)) {
    stats.blobsSkipped++;
    return;
  }
  await withRetry(`copying blob ${blob.digest}`, async () => {
    const res = await from.client.openBlob(from.repository, blob.digest);
    const verifier = new DigestVerifier(blob);
    pipeline(res.body, verifier, () => undefined); // errors surface through the upload's body
    await to.client.uploadBlob(to.repository, blob, verifier);
  });
  stats.blobsUploaded++;
  stats.bytesUploaded += blob.size;
}

function parseJson<T>(raw: RawManifest): T {
  return JSON.parse(raw.bytes.toString('utf8')) as T;
}

/** Copies one manifest (image or index) and everything it references, parent last. */
export async function copyManifest(
  from: Location,
  to: Location,
  raw: RawManifest,
  stats: CopyStats,
): Promise<void> {
  if (isIndexType(raw.mediaType)) {
    const index = parseJson<ImageIndex>(raw);
    for (const child of index.manifests) {
      const childRaw = await from.client.getManifest(from.repository, child.digest);
      if (!childRaw)
        throw new Error(`${from.repository}@${child.digest} listed in index ${raw.digest} is missing`);
      await copyManifest(from, to, childRaw, stats);
    }
  } else {
    const manifest = parseJson<ImageManifest>(raw);
    await mapPool([manifest.config, ...manifest.layers], BLOB_CONCURRENCY, (b) =>
      copyBlob(from, to, b, stats),
    );
  }
  await to.client.putManifest(to.repository, raw.digest, raw);
}
