// Where a blob's bytes are read from, leanest first: the source's own way
// (a LeanSource: the local registry's storage files), a plain-HTTP GET on a
// raw socket (hashed while it streams), else undici's GET body (hashed too).
// It chooses by the registry's API (scheme, auth), so it lives with the
// client; the byte paths it picks between are blob-path/'s.
import * as core from '@actions/core';
import type { Readable } from 'node:stream';
import { TransientError, withRetry } from '../retry.js';
import type { Repo } from '../oci/image-source.js';
import { checkDigest } from '../oci/digest.js';
import type { Descriptor } from '../oci/types.js';
import { hashed, type BlobSource } from '../blob-path/blob-pump.js';
import { isLeanUrl } from '../blob-path/blob-send.js';
import { RegistryClient } from './client.js';
import { GetSource } from '../blob-path/get-source.js';
import { scopeFor } from './token.js';

/** Below this a blob (a config, a small layer) takes the undici way: nothing to win. */
export const LEAN_MIN_BYTES = 1024 * 1024;

/** A source that can hand a blob's bytes over the lean path itself (the local registry's storage). */
export interface LeanSource {
  openLean(repository: string, blob: Descriptor): Promise<BlobSource | undefined>;
  /** Its registry API, for a raw GET when its own way cannot serve a blob. */
  readonly api: RegistryClient;
  /** Where the blob lies on this machine, for the message when its bytes turn out damaged. */
  fileOf(digest: string): string;
}

export function isLeanSource(source: object): source is LeanSource {
  return typeof (source as Partial<LeanSource>).openLean === 'function';
}

/** A fresh body for one upload attempt: a BlobSource on the lean path, else a verifying Readable. */
export async function openBlobBody(from: Repo, blob: Descriptor): Promise<Readable | BlobSource> {
  if (blob.size >= LEAN_MIN_BYTES && blob.digest.startsWith('sha256:')) {
    const source = from.client;
    const api = source instanceof RegistryClient ? source : isLeanSource(source) ? source.api : undefined;
    const lean =
      (isLeanSource(source) ? await source.openLean(from.repository, blob) : undefined) ??
      (api ? await fromGet(api, from.repository, blob) : undefined);
    if (lean) return lean;
  }
  // Errors while streaming surface through the upload's body.
  return withRetry(`reading blob ${from.client.registry}/${from.repository}@${blob.digest}`, () =>
    from.client.streamBlob(from.repository, blob),
  ); // inside an upload it runs once: the upload's budget retries
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
