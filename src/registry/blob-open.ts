// Where a blob's bytes are read from, leanest first: the local registry's
// own storage (build mode: the file under its root, not hashed here, as the
// target checks ?digest= on the closing PUT), a plain-HTTP GET on a raw
// socket (hashed while it streams), else undici's GET body (hashed too).
import * as core from '@actions/core';
import type { Readable } from 'node:stream';
import { TransientError, withRetry } from '../retry.js';
import type { SourceLocation } from '../oci/image-source.js';
import { checkDigest } from '../oci/digest.js';
import type { Descriptor } from '../oci/types.js';
import { blobPath } from '../local-registry/storage.js';
import { FileSource, hashed, type BlobSource } from './blob-pump.js';
import { isLeanUrl } from './blob-send.js';
import { RegistryClient } from './client.js';
import { GetSource } from './get-source.js';
import { scopeFor } from './token.js';

/** Below this a blob (a config, a small layer) takes the undici way: nothing to win. */
export const LEAN_MIN_BYTES = 1024 * 1024;

const toldAbout = new Set<string>();

/** A fresh body for one upload attempt: a BlobSource on the lean path, else a verifying Readable. */
export async function openBlobBody(from: SourceLocation, blob: Descriptor): Promise<Readable | BlobSource> {
  if (
    blob.size >= LEAN_MIN_BYTES &&
    from.client instanceof RegistryClient &&
    blob.digest.startsWith('sha256:')
  ) {
    const lean =
      (await fromStorage(from.client, blob)) ?? (await fromGet(from.client, from.repository, blob));
    if (lean) return lean;
  }
  // Errors while streaming surface through the upload's body.
  return withRetry(`reading blob ${from.client.registry}/${from.repository}@${blob.digest}`, () =>
    from.client.streamBlob(from.repository, blob),
  ); // inside an upload it runs once: the upload's budget retries
}

async function fromStorage(client: RegistryClient, blob: Descriptor): Promise<BlobSource | undefined> {
  if (!client.storage) return undefined;
  const where = blobPath(client.storage, blob.digest);
  const file = await FileSource.open(where, blob.size);
  if (typeof file !== 'string') {
    core.debug(`${blob.digest}: read from ${where}`);
    return file;
  }
  if (!toldAbout.has(client.storage)) {
    toldAbout.add(client.storage);
    core.info(
      `Cannot read blobs from the local registry's storage (${file}); reading them from ${client.registry} over HTTP instead`,
    );
  }
  return undefined;
}

async function fromGet(
  client: RegistryClient,
  repo: string,
  blob: Descriptor,
): Promise<BlobSource | undefined> {
  const url = new URL(
    `/v2/${repo}/blobs/${checkDigest(blob.digest, `A blob of ${repo}`)}`,
    await client.baseUrl(),
  );
  if (url.protocol !== 'http:' || !isLeanUrl(url)) return undefined;
  const auth = await client.authorizationFor(url.toString(), [scopeFor(repo, 'pull')]);
  const got = await GetSource.open(url, auth ? { authorization: auth } : {}, blob.size);
  if (typeof got === 'string') {
    core.debug(`GET ${url.pathname} takes the undici way: ${got}`);
    return undefined;
  }
  core.debug(`${blob.digest}: raw GET ${url.host}`);
  return hashed(
    got,
    blob.digest,
    (actual, seen) =>
      new TransientError(
        `blob ${blob.digest} arrived as ${seen} of ${blob.size} bytes with digest ${actual}`,
      ),
  );
}
