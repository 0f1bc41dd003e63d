// Copies images between registries: every blob first (streamed, verified
// where the bytes come from outside, see blob-open.ts,
// skipped when present, mounted within a registry, all blobs of all images
// through one bounded pool), then manifests byte for byte, children first.
import { HttpError } from '../errors.js';
import { blobPath } from '../local-registry/storage.js';
import { isIndexType } from '../oci/media-types.js';
import type { Descriptor, ImageIndex, ImageManifest, RawManifest } from '../oci/types.js';
import { RegistryClient } from './client.js';
import { openBlobBody } from './blob-open.js';
import type { SourceLocation } from '../oci/image-source.js';
import { uploadBlob } from './upload.js';
import { mapPool } from '../pool.js';

export interface Location {
  client: RegistryClient;
  repository: string;
}

export interface CopyStats {
  blobsUploaded: number;
  blobsMounted: number;
  blobsSkipped: number;
  bytesUploaded: number;
}

/** A manifest to copy and where it comes from. */
export interface Sourced {
  from: SourceLocation;
  raw: RawManifest;
}

export function newStats(): CopyStats {
  return { blobsUploaded: 0, blobsMounted: 0, blobsSkipped: 0, bytesUploaded: 0 };
}

const BLOB_CONCURRENCY = 4;

/** The target refused a blob read from the local registry's own files: they are damaged. */
function damaged(err: unknown, from: SourceLocation, to: Location, blob: Descriptor): unknown {
  const storage = from.client instanceof RegistryClient ? from.client.storage : undefined;
  if (!storage || !(err instanceof HttpError) || !/DIGEST_INVALID/.test(err.message)) return err;
  return new HttpError(
    `Cannot copy blob ${blob.digest} to ${to.client.registry}/${to.repository}: the registry refused its bytes as DIGEST_INVALID, so the local registry's file ${blobPath(storage, blob.digest)} is damaged (disk full, or changed on disk). Nothing was tagged; run the job again.`,
    err.status,
    'DIGEST_INVALID',
    err,
  );
}

export async function copyBlob(
  from: SourceLocation,
  to: Location,
  blob: Descriptor,
  stats: CopyStats,
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
    () => openBlobBody(from, blob),
    sameRegistry ? from.repository : undefined,
  ).catch((err: unknown) => {
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
      const children: Sourced[] = [];
      for (const child of parseJson<ImageIndex>(item.raw).manifests) {
        const raw = await item.from.client.getManifest(item.from.repository, child.digest);
        if (!raw)
          throw new HttpError(
            `Cannot copy index ${item.raw.digest} from ${item.from.client.registry}/${item.from.repository}: it lists ${child.digest}, which that registry does not have. Push the missing image again, or merge without it.`,
          );
        children.push({ from: item.from, raw });
      }
      out.push(...(await expand(children)));
    }
    out.push(item);
  }
  return out;
}

async function copyBlobsOf(manifests: readonly Sourced[], to: Location, stats: CopyStats): Promise<void> {
  const blobs = new Map<string, { from: SourceLocation; blob: Descriptor }>();
  for (const { from, raw } of manifests) {
    if (isIndexType(raw.mediaType)) continue;
    const manifest = parseJson<ImageManifest>(raw);
    for (const blob of [manifest.config, ...manifest.layers])
      if (!blobs.has(blob.digest)) blobs.set(blob.digest, { from, blob });
  }
  await mapPool([...blobs.values()], BLOB_CONCURRENCY, ({ from, blob }) => copyBlob(from, to, blob, stats));
}

/** Only the blobs the manifests reference: no manifest is written (an upload ahead of the merge). */
export async function copyBlobs(items: readonly Sourced[], to: Location, stats: CopyStats): Promise<void> {
  await copyBlobsOf(await expand(items), to, stats);
}

/** Copies manifests (images or indexes) and everything they reference into `to`, parents last. */
export async function copyImages(items: readonly Sourced[], to: Location, stats: CopyStats): Promise<void> {
  const manifests = await expand(items);
  await copyBlobsOf(manifests, to, stats);
  const written = new Set<string>();
  for (const { raw } of manifests) {
    if (written.has(raw.digest)) continue;
    await to.client.putManifest(to.repository, raw.digest, raw);
    written.add(raw.digest);
  }
}
