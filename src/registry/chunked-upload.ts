// Chunked blob uploads, for registries (or proxies in front of them) that
// refuse large bodies: PATCH after PATCH, the last chunk on the closing PUT.
// A chunk that failed transiently (5xx, 429, a broken connection) is sent
// again in the same session when the session still holds exactly the bytes
// before it, so one lost chunk does not cost the whole upload.
import type { Readable } from 'node:stream';
import { header } from '../http.js';
import { currentBudget, RetryBudget, TransientError, withRetry } from '../retry.js';
import type { Descriptor } from '../oci/types.js';
import { MIN_CHUNK_BYTES } from '../blob-path/body-limit.js';
import type { RegistryClient, Req } from './client.js';
import { drain, withQuery } from './response.js';
import { scopeFor } from './token.js';

/** Uploads `body` into the session at `location` in chunks of `size` bytes and commits it. */
export async function putChunked(
  client: RegistryClient,
  repo: string,
  blob: Descriptor,
  location: string,
  body: Readable,
  size: number,
): Promise<void> {
  // The upload's own retry budget: a chunk resumed in place spends from it, and a chunk that lands is progress.
  const budget = currentBudget() ?? new RetryBudget(`uploading ${blob.digest}`, client.retry);
  const session = { client, repo, blob, size, url: location, budget };
  let offset = 0;
  let pending: Buffer | undefined;
  for await (const chunk of chunksOf(body, size)) {
    if (pending) {
      await sendChunk(session, pending, offset, false);
      offset += pending.length;
    }
    pending = chunk;
  }
  await sendChunk(session, pending ?? Buffer.alloc(0), offset, true);
}

interface Session {
  client: RegistryClient;
  repo: string;
  blob: Descriptor;
  size: number;
  /** Where the next request goes; the registry moves it after every chunk. */
  url: string;
  budget: RetryBudget;
}

/**
 * One chunk at `offset`: a PATCH, or for the last one the closing PUT. Sent
 * again in place after a transient failure while the session, asked, still
 * holds exactly the bytes before it; otherwise the whole upload starts over.
 */
async function sendChunk(session: Session, chunk: Buffer, offset: number, last: boolean): Promise<void> {
  const { client, repo, blob, size, budget } = session;
  for (;;) {
    let res;
    try {
      res = await client.send(chunkRequest(session, chunk, offset, last), [scopeFor(repo, 'push')]);
    } catch (err) {
      // A transient status, or a broken connection not (yet) read as a size limit.
      const limit = client.bodyLimit.brokenSend(err, size, blob.size);
      if (limit) throw limit;
      await budget.retry(err, `the chunk at byte ${offset} of ${blob.digest}`);
      session.url = await resumeAt(session, offset);
      continue;
    }
    if (res.status === 413 && size > MIN_CHUNK_BYTES) {
      await drain(res);
      throw client.bodyLimit.tooLarge(Math.max(MIN_CHUNK_BYTES, size / 4), `a ${size}-byte chunk`);
    }
    if (res.status !== (last ? 201 : 202))
      return client.fail(
        res,
        `${last ? 'finish the upload' : 'upload a chunk'} of ${blob.digest} to ${repo}`,
      );
    await drain(res);
    client.bodyLimit.sent();
    budget.progress();
    session.url = new URL(header(res, 'location') ?? session.url, await client.baseUrl()).toString();
    return;
  }
}

function chunkRequest(session: Session, chunk: Buffer, offset: number, last: boolean): Req {
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    'content-length': String(chunk.length),
  };
  if (last)
    return {
      method: 'PUT',
      url: withQuery(session.url, 'digest', session.blob.digest),
      headers,
      body: chunk,
    };
  headers['content-range'] = `${offset}-${offset + chunk.length - 1}`;
  return { method: 'PATCH', url: session.url, headers, body: chunk };
}

/** The bytes a session holds, from its Range header ("0-N"; distribution answers "0-0" when empty). */
export function heldBytes(range: string | undefined, expected: number): number | undefined {
  const m = /^(?:bytes=)?0-(\d+)$/.exec(range?.trim() ?? '');
  if (!m) return range === undefined && expected === 0 ? 0 : undefined;
  const end = Number(m[1]);
  return end === 0 && expected === 0 ? 0 : end + 1;
}

/** The session's URL to go on from, when it holds exactly `offset` bytes; else start over. */
async function resumeAt(session: Session, offset: number): Promise<string> {
  const { client, repo, blob } = session;
  const res = await withRetry(`reading the upload session of ${blob.digest}`, () =>
    client.send({ method: 'GET', url: session.url }, [scopeFor(repo, 'push')]),
  );
  await drain(res);
  if (res.status === 204 && heldBytes(header(res, 'range'), offset) === offset)
    return new URL(header(res, 'location') ?? session.url, await client.baseUrl()).toString();
  throw new TransientError(
    `the upload session of ${blob.digest} on ${client.registry} cannot go on at byte ${offset} (${res.status}); starting over`,
  );
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
