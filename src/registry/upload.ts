// Blob uploads: a cross-repository mount on the same registry when possible
// (a 202 answer is an upload session instead), else one monolithic PUT,
// falling back to chunked PATCHes once the registry or a proxy in front of it
// refuses a body as too large: with a 413, or (as nginx and many proxies do)
// by answering 413 and closing before the body is read, which the client
// only sees as EPIPE or a reset while sending. Every retry of a whole upload
// is a new session; chunked-upload.ts retries a refused chunk in place, from
// the same retry budget.
import type { Readable } from 'node:stream';
import { isBlobSource, toReadable, type BlobSource } from '../blob-path/blob-pump.js';
import { HttpError } from '../errors.js';
import { header } from '../http.js';
import { withRetry } from '../retry.js';
import type { Descriptor } from '../oci/types.js';
import type { RegistryClient } from './client.js';
import { drain, withQuery } from './response.js';
import { FIRST_CHUNK_BYTES } from '../blob-path/body-limit.js';
import { putChunked } from './chunked-upload.js';
import { scopeFor } from './token.js';
import { LEAN_MIN_BYTES } from './blob-open.js';
import type { WarmSocket } from '../blob-path/warm-socket.js';

/** Each attempt is a session, a source stream and a PUT, and size fallbacks spend attempts too. */
const UPLOAD_ATTEMPTS = 24;

export type UploadResult = 'mounted' | 'uploaded';

/** `open` gives a fresh, verifying stream (or lean source) of the blob for every attempt. */
export async function uploadBlob(
  client: RegistryClient,
  repo: string,
  blob: Descriptor,
  open: () => Promise<Readable | BlobSource>,
  mountFrom?: string,
): Promise<UploadResult> {
  return withRetry(
    `uploading ${blob.digest} to ${client.registry}/${repo}`,
    async (attempt) => {
      // A retry may find the blob already there (a lost response hid a PUT that landed). Asking
      // on a random half of the retries also varies how many requests an attempt makes, so a
      // periodic fault (a proxy failing every Nth request) cannot phase-lock onto the same PUT.
      if (attempt > 1 && Math.random() < 0.5 && (await client.hasBlob(repo, blob.digest))) return 'uploaded';
      // A large blob's monolithic PUT goes over a raw connection of its own: opened beside the POST.
      const warm =
        !mountFrom && blob.size >= LEAN_MIN_BYTES && client.bodyLimit.chunkSize === undefined
          ? await client.warmBlobSocket()
          : undefined;
      try {
        const location = await startUpload(client, repo, blob.digest, mountFrom);
        if (location === undefined) return 'mounted';
        await putBlob(client, repo, blob, location, await open(), warm);
      } finally {
        warm?.close();
      }
      return 'uploaded';
    },
    { ...client.retry, attempts: Math.max(client.retry.attempts, UPLOAD_ATTEMPTS) },
  );
}

/** The body in one PUT, or in chunks once the registry refused it whole; the source closed after. */
async function putBlob(
  client: RegistryClient,
  repo: string,
  blob: Descriptor,
  location: string,
  body: Readable | BlobSource,
  warm: WarmSocket | undefined,
): Promise<void> {
  const size = client.bodyLimit.chunkSize;
  try {
    if (size === undefined) await putMonolithic(client, repo, blob, location, body, warm);
    else await putChunked(client, repo, blob, location, isBlobSource(body) ? toReadable(body) : body, size);
  } catch (err) {
    throw client.bodyLimit.brokenSend(err, size, blob.size) ?? err;
  } finally {
    if (isBlobSource(body)) body.close();
    else body.destroy();
  }
  client.bodyLimit.sent();
}

/** POST for a session (with mount=&from= when asked); undefined when the blob was mounted. */
async function startUpload(
  client: RegistryClient,
  repo: string,
  digest: string,
  mountFrom: string | undefined,
): Promise<string | undefined> {
  const scopes = [scopeFor(repo, 'push'), ...(mountFrom ? [scopeFor(mountFrom, 'pull')] : [])];
  const base = `/v2/${repo}/blobs/uploads/`;
  const url = mountFrom ? withQuery(withQuery(base, 'mount', digest), 'from', mountFrom) : base;
  const res = await client.send({ method: 'POST', url }, scopes); // retried with the whole upload
  if (mountFrom && res.status === 201) {
    await drain(res);
    return undefined;
  }
  if (res.status !== 202) return client.fail(res, `start an upload of ${digest} to ${repo}`);
  await drain(res);
  const location = header(res, 'location');
  if (!location)
    throw new HttpError(`Registry ${client.registry} started an upload to ${repo} without a Location.`);
  return new URL(location, await client.baseUrl()).toString();
}

async function putMonolithic(
  client: RegistryClient,
  repo: string,
  blob: Descriptor,
  location: string,
  body: Readable | BlobSource,
  warm: WarmSocket | undefined,
): Promise<void> {
  const headers = { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) };
  const url = withQuery(location, 'digest', blob.digest);
  const scopes = [scopeFor(repo, 'push')];
  const res = isBlobSource(body)
    ? await client.sendBlob({ method: 'PUT', url, headers, body, warm }, scopes)
    : await client.send({ method: 'PUT', url, headers, body }, scopes);
  if (res.status === 413) {
    await drain(res);
    throw client.bodyLimit.tooLarge(FIRST_CHUNK_BYTES, `a ${blob.size}-byte upload`);
  }
  if (res.status !== 201) return client.fail(res, `upload blob ${blob.digest} to ${repo}`);
  await drain(res);
}
