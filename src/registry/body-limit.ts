// How a body-size limit shows (a registry, or nginx's client_max_body_size in
// front of it) and what the client does about it: a 413 answer, or a
// connection that broke while a large body was being sent, twice in a row,
// switches the client to chunked uploads, then to smaller chunks.
import * as core from '@actions/core';
import { isTransient, TransientError } from '../http.js';
import type { RegistryClient } from './client.js';

export const FIRST_CHUNK_BYTES = 8 * 1024 * 1024;
export const MIN_CHUNK_BYTES = 256 * 1024;
/** Consecutive broken sends of a large body (or chunk) before it counts as refused. */
const BROKEN_SENDS_TO_FALL_BACK = 2;

/** Switches the client to chunks of `size` bytes and asks for another attempt. */
export function tooLarge(client: RegistryClient, size: number, what: string, how = '413'): TransientError {
  core.info(`${client.registry} refused ${what} as too large (${how}); uploading in chunks of ${size} bytes`);
  client.chunkSize = size;
  client.brokenSends = 0;
  return new TransientError(`${what} too large for ${client.registry}`, 0);
}

/**
 * A connection that broke while a large body was being sent is how a body
 * limit often shows: after two in a row, fall back from one body to chunks,
 * or from chunks to smaller chunks. Undefined: not that.
 */
export function brokenSend(
  client: RegistryClient,
  err: unknown,
  chunk: number | undefined,
  blobSize: number,
): TransientError | undefined {
  if (!isTransient(err) || err instanceof TransientError) return undefined;
  const sending = chunk ?? blobSize;
  if (sending <= MIN_CHUNK_BYTES) return undefined;
  // One reset can be anything; a second in a row, while sending a large body, is a limit.
  client.brokenSends = (client.brokenSends ?? 0) + 1;
  if (client.brokenSends < BROKEN_SENDS_TO_FALL_BACK) return undefined;
  const how = 'the connection broke while sending';
  if (chunk === undefined) return tooLarge(client, FIRST_CHUNK_BYTES, `a ${blobSize}-byte upload`, how);
  return tooLarge(client, Math.max(MIN_CHUNK_BYTES, chunk / 4), `a ${chunk}-byte chunk`, how);
}
