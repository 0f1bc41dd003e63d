// How a body-size limit shows (a registry, or nginx's client_max_body_size in
// front of it) and what the client does about it: a 413 answer, or a
// connection that broke while a large body was being sent, twice in a row,
// switches the registry's uploads to chunks, then to smaller chunks.
import * as core from '@actions/core';
import { isTransient, TransientError } from '../retry.js';

export const FIRST_CHUNK_BYTES = 8 * 1024 * 1024;
export const MIN_CHUNK_BYTES = 256 * 1024;
/** Consecutive broken sends of a large body (or chunk) before it counts as refused. */
const BROKEN_SENDS_TO_FALL_BACK = 2;

/** What one registry (or the proxy in front of it) was seen to accept, shared by its uploads. */
export class BodyLimit {
  private chunk?: number;
  private brokenSends = 0;

  constructor(private readonly registry: string) {}

  /** Undefined while whole bodies go through; else the chunk size uploads use. */
  get chunkSize(): number | undefined {
    return this.chunk;
  }

  /** Switches to chunks of `size` bytes and asks for another attempt. */
  tooLarge(size: number, what: string, how = '413'): TransientError {
    core.info(`${this.registry} refused ${what} as too large (${how}); uploading in chunks of ${size} bytes`);
    this.chunk = size;
    this.brokenSends = 0;
    return new TransientError(`${what} too large for ${this.registry}`, 0);
  }

  /** A body went through whole: broken sends so far were not a limit. */
  sent(): void {
    this.brokenSends = 0;
  }

  /**
   * A connection that broke while a large body was being sent is how a body
   * limit often shows: after two in a row, fall back from one body to chunks,
   * or from chunks to smaller chunks. Undefined: not that.
   */
  brokenSend(err: unknown, chunk: number | undefined, blobSize: number): TransientError | undefined {
    if (!isTransient(err) || err instanceof TransientError) return undefined;
    const sending = chunk ?? blobSize;
    if (sending <= MIN_CHUNK_BYTES) return undefined;
    // One reset can be anything; a second in a row, while sending a large body, is a limit.
    this.brokenSends++;
    if (this.brokenSends < BROKEN_SENDS_TO_FALL_BACK) return undefined;
    const how = 'the connection broke while sending';
    if (chunk === undefined) return this.tooLarge(FIRST_CHUNK_BYTES, `a ${blobSize}-byte upload`, how);
    return this.tooLarge(Math.max(MIN_CHUNK_BYTES, chunk / 4), `a ${chunk}-byte chunk`, how);
  }
}
