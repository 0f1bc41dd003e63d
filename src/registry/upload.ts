// Blob uploads: a cross-repository mount on the same registry when possible
// (a 202 answer is an upload session instead), else one monolithic PUT,
// falling back to chunked PATCHes once the registry or a proxy in front of it
// refuses a body as too large: with a 413, or (as nginx and many proxies do)
// by answering 413 and closing before the body is read, which the client
// only sees as EPIPE or a reset while sending. Every retry is a new session.
import * as core from '@actions/core';
import type { Readable } from 'node:stream';
import { HttpError } from '../errors.js';
import { DEFAULT_RETRY, header, isTransient, TransientError, withRetry, type RetryPolicy } from '../http.js';
import type { Descriptor } from '../oci/types.js';
import { drain, withQuery, type RegistryClient } from './client.js';
import { scopeFor } from './token.js';

export const FIRST_CHUNK_BYTES = 8 * 1024 * 1024;
const MIN_CHUNK_BYTES = 256 * 1024;
/** Each attempt is a session, a source stream and a PUT, and size fallbacks spend attempts too. */
// 20: concurrent copies retrying in step against a periodically failing proxy can lose 10 in a row.
const UPLOAD_RETRY: RetryPolicy = { ...DEFAULT_RETRY, attempts: 20 };
/** Consecutive broken sends of a large monolithic body before it counts as refused. */
const BROKEN_SENDS_TO_FALL_BACK = 2;

export type UploadResult = 'mounted' | 'uploaded';

/** `open` gives a fresh, verifying stream of the blob for every attempt. */
export async function uploadBlob(
  client: RegistryClient,
  repo: string,
  blob: Descriptor,
  open: () => Promise<Readable>,
  mountFrom?: string,
): Promise<UploadResult> {
  return withRetry(
    `uploading ${blob.digest} to ${client.registry}/${repo}`,
    async (attempt) => {
      // A retry may find the blob already there (a lost response hid a PUT that landed). Asking
      // on a random half of the retries also varies how many requests an attempt makes, so a
      // periodic fault (a proxy failing every Nth request) cannot phase-lock onto the same PUT.
      if (attempt > 1 && Math.random() < 0.5 && (await client.hasBlob(repo, blob.digest))) return 'uploaded';
      const location = await startUpload(client, repo, blob.digest, mountFrom);
      if (location === undefined) return 'mounted';
      const body = await open();
      const size = client.chunkSize;
      try {
        if (size === undefined) await putMonolithic(client, repo, blob, location, body);
        else await putChunked(client, repo, blob, location, body, size);
      } catch (err) {
        throw brokenSend(client, err, size, blob.size) ?? err;
      } finally {
        body.destroy();
      }
      client.brokenSends = 0;
      return 'uploaded';
    },
    UPLOAD_RETRY,
  );
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
  const res = await withRetry(`starting an upload to ${client.registry}/${repo}`, () =>
    client.send({ method: 'POST', url }, scopes),
  );
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

function tooLarge(client: RegistryClient, size: number, what: string, how = '413'): TransientError {
  core.info(`${client.registry} refused ${what} as too large (${how}); uploading in chunks of ${size} bytes`);
  client.chunkSize = size;
  client.brokenSends = 0;
  return new TransientError(`${what} too large for ${client.registry}`, 0);
}

/**
 * A connection that broke while a large body was being sent is how a body
 * limit often shows: fall back to chunks after two such monolithic uploads in
 * a row, and to smaller chunks after one broken chunk. Undefined: not that.
 */
function brokenSend(
  client: RegistryClient,
  err: unknown,
  chunk: number | undefined,
  blobSize: number,
): TransientError | undefined {
  if (!isTransient(err) || err instanceof TransientError) return undefined;
  if (chunk === undefined) {
    if (blobSize <= MIN_CHUNK_BYTES) return undefined;
    client.brokenSends = (client.brokenSends ?? 0) + 1;
    if (client.brokenSends < BROKEN_SENDS_TO_FALL_BACK) return undefined;
    return tooLarge(
      client,
      FIRST_CHUNK_BYTES,
      `a ${blobSize}-byte upload`,
      'the connection broke while sending',
    );
  }
  if (chunk <= MIN_CHUNK_BYTES) return undefined;
  return tooLarge(
    client,
    Math.max(MIN_CHUNK_BYTES, chunk / 4),
    `a ${chunk}-byte chunk`,
    'the connection broke while sending',
  );
}

async function putMonolithic(
  client: RegistryClient,
  repo: string,
  blob: Descriptor,
  location: string,
  body: Readable,
): Promise<void> {
  const headers = { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) };
  const url = withQuery(location, 'digest', blob.digest);
  const res = await client.send({ method: 'PUT', url, headers, body }, [scopeFor(repo, 'push')]);
  if (res.status === 413) {
    await drain(res);
    throw tooLarge(client, FIRST_CHUNK_BYTES, `a ${blob.size}-byte upload`);
  }
  if (res.status !== 201) return client.fail(res, `upload blob ${blob.digest} to ${repo}`);
  await drain(res);
}

async function putChunked(
  client: RegistryClient,
  repo: string,
  blob: Descriptor,
  location: string,
  body: Readable,
  size: number,
): Promise<void> {
  const scopes = [scopeFor(repo, 'push')];
  const base = await client.baseUrl();
  let url = location;
  let offset = 0;
  for await (const chunk of chunksOf(body, size)) {
    const headers = {
      'content-type': 'application/octet-stream',
      'content-length': String(chunk.length),
      'content-range': `${offset}-${offset + chunk.length - 1}`,
    };
    const res = await client.send({ method: 'PATCH', url, headers, body: chunk }, scopes);
    if (res.status === 413 && size > MIN_CHUNK_BYTES) {
      await drain(res);
      throw tooLarge(client, Math.max(MIN_CHUNK_BYTES, size / 4), `a ${size}-byte chunk`);
    }
    if (res.status !== 202) return client.fail(res, `upload a chunk of ${blob.digest} to ${repo}`);
    await drain(res);
    url = new URL(header(res, 'location') ?? url, base).toString();
    offset += chunk.length;
  }
  const headers = { 'content-length': '0' };
  const res = await client.send(
    { method: 'PUT', url: withQuery(url, 'digest', blob.digest), headers },
    scopes,
  );
  if (res.status !== 201) return client.fail(res, `finish the upload of ${blob.digest} to ${repo}`);
  await drain(res);
}

/** Re-slices a stream into buffers of exactly `size` bytes (the last may be shorter). */
export async function* chunksOf(body: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let length = 0;
  for await (const data of body) {
    let rest = data;
    while (length + rest.length >= size) {
      const take = size - length;
      parts.push(rest.subarray(0, take));
      yield Buffer.concat(parts);
      parts = [];
      length = 0;
      rest = rest.subarray(take);
    }
    if (rest.length > 0) {
      parts.push(rest);
      length += rest.length;
    }
  }
  if (length > 0) yield Buffer.concat(parts);
}
