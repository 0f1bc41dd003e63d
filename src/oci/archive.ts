// Writes an index and everything it references as an OCI image layout
// tarball (oci-layout, index.json, blobs/sha256/...), streaming each blob from
// the registry into the file and verifying it on the way: what `docker save`
// cannot do for a multi-arch image, and `skopeo copy --all oci-archive:` reads.
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { ActionError } from '../errors.js';
import { isIndexType, OCI_INDEX } from './media-types.js';
import type { SerializedIndex } from './index.js';
import { TAR_END, tarHeader, tarPadding } from './tar.js';
import type { Descriptor, ImageIndex, ImageManifest } from './types.js';
import type { Repo } from './image-source.js';

async function write(out: WriteStream, chunk: Buffer): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

async function writeEntry(out: WriteStream, name: string, bytes: Buffer): Promise<void> {
  await write(out, tarHeader(name, bytes.length));
  await write(out, bytes);
  await write(out, tarPadding(bytes.length));
}

const blobName = (digest: string) => `blobs/${digest.replace(':', '/')}`;

async function writeBlob(out: WriteStream, from: Repo, blob: Descriptor): Promise<void> {
  const verifier = await from.client.streamBlob(from.repository, blob);
  await write(out, tarHeader(blobName(blob.digest), blob.size));
  for await (const chunk of verifier) await write(out, chunk as Buffer);
  await write(out, tarPadding(blob.size));
}

/** Manifests (as blobs) and their config/layer blobs, each once, parents after children. */
async function writeManifest(out: WriteStream, from: Repo, digest: string, seen: Set<string>): Promise<void> {
  if (seen.has(digest)) return;
  seen.add(digest);
  const raw = await from.client.getManifest(from.repository, digest);
  if (!raw)
    throw new ActionError(
      `Cannot write 'oci-archive': ${from.client.registry}/${from.repository}@${digest} is missing there.`,
    );
  const parsed = JSON.parse(raw.bytes.toString('utf8')) as ImageIndex & ImageManifest;
  if (isIndexType(raw.mediaType)) {
    for (const child of parsed.manifests) await writeManifest(out, from, child.digest, seen);
  } else {
    for (const blob of [parsed.config, ...parsed.layers]) {
      if (seen.has(blob.digest)) continue;
      seen.add(blob.digest);
      await writeBlob(out, from, blob);
    }
  }
  await writeEntry(out, blobName(raw.digest), raw.bytes);
}

/** Written to FILE.partial and renamed when complete: a failure never leaves a truncated archive at FILE. */
/** `sourceOf` names where each of the index's manifests (and all it references) is read from. */
export async function writeOciArchive(
  file: string,
  sourceOf: (digest: string) => Repo,
  index: SerializedIndex,
  refName: string,
  /** More annotations for the index's descriptor in index.json ('annotations' index-descriptor:). */
  descriptorAnnotations: Record<string, string> = {},
): Promise<void> {
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  const closed = once(out, 'close');
  let complete = false;
  try {
    await writeEntry(out, 'oci-layout', Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })));
    for (const dir of ['blobs/', 'blobs/sha256/']) await write(out, tarHeader(dir, 0, 'dir'));
    const seen = new Set<string>([index.digest]);
    for (const entry of (JSON.parse(index.bytes.toString('utf8')) as ImageIndex).manifests) {
      await writeManifest(out, sourceOf(entry.digest), entry.digest, seen);
    }
    await writeEntry(out, blobName(index.digest), index.bytes);
    const annotations = { ...descriptorAnnotations, 'org.opencontainers.image.ref.name': refName };
    const { mediaType, digest } = index;
    const top = {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [{ mediaType, digest, size: index.bytes.length, annotations }],
    };
    await writeEntry(out, 'index.json', Buffer.from(JSON.stringify(top)));
    await write(out, TAR_END);
    complete = true;
  } finally {
    out.end();
    await closed;
    if (complete) await rename(partial, file);
    else await rm(partial, { force: true });
  }
}
