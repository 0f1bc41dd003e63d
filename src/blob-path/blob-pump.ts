// Blob bytes from a source to a sink through a few buffers the source owns
// and reuses: a file read with FileHandle.read, or a plain-HTTP GET read off
// a raw socket into one buffer. The source is paused while a write is
// pending, so no Buffer is made per chunk and nothing piles up in memory.
import { errorCode } from '../errors.js';
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { RawSink } from './raw-http.js';

export interface BlobSource {
  readonly kind: 'blob-source';
  readonly size: number;
  /**
   * The next bytes in a buffer the source owns, null at the end. With depth 1
   * the buffer is reused by the next call (the caller must be done with it by
   * then); with depth 2 by the call after next.
   */
  read(): Promise<Buffer | null>;
  readonly depth: 1 | 2;
  close(): void;
}

export function isBlobSource(body: unknown): body is BlobSource {
  return typeof body === 'object' && body !== null && (body as { kind?: unknown }).kind === 'blob-source';
}

const FILE_BUFFER_BYTES = 512 * 1024;

/** A blob file, read into two alternating buffers; its size must be `size`. */
export class FileSource implements BlobSource {
  readonly kind = 'blob-source';
  readonly depth = 2;
  private readonly buffers = [
    Buffer.allocUnsafeSlow(FILE_BUFFER_BYTES),
    Buffer.allocUnsafeSlow(FILE_BUFFER_BYTES),
  ];
  private turn = 0;
  private position = 0;

  private constructor(
    private readonly file: FileHandle,
    readonly size: number,
  ) {}

  /** Opens `path`; undefined with the reason when it is missing, unreadable or not `size` bytes. */
  static async open(path: string, size: number): Promise<FileSource | string> {
    let file: FileHandle | undefined;
    try {
      file = await open(path, 'r');
      const stat = await file.stat();
      if (stat.size !== size) {
        await file.close();
        return `${path} has ${stat.size} bytes, not ${size}`;
      }
      return new FileSource(file, size);
    } catch (err) {
      await file?.close().catch(() => undefined);
      return errorCode(err) ?? String(err);
    }
  }

  async read(): Promise<Buffer | null> {
    if (this.position >= this.size) return null;
    const buffer = this.buffers[this.turn++ % 2] as Buffer;
    const length = Math.min(buffer.length, this.size - this.position);
    const { bytesRead } = await this.file.read(buffer, 0, length, this.position);
    if (bytesRead === 0) throw new Error(`blob file ended at byte ${this.position} of ${this.size}`);
    this.position += bytesRead;
    return buffer.subarray(0, bytesRead);
  }

  close(): void {
    this.file.close().catch(() => undefined);
  }
}

/** What bytes that are not the blob become (the copy's Mismatch). */
export type SourceMismatch = (actual: string, seen: number) => Error;

/**
 * `source` hashed on the way: the last chunk is only handed out when the bytes are the blob. Every other
 * chunk is hashed at the next read, after its write was handed to the kernel, so the receiver has the
 * bytes while they are hashed (the buffer is still the chunk's then: see BlobSource.depth).
 */
export function hashed(source: BlobSource, digest: string, mismatch: SourceMismatch): BlobSource {
  const hash = createHash('sha256');
  let seen = 0;
  let unhashed: Buffer | undefined;
  const check = () => {
    const actual = `sha256:${hash.digest('hex')}`;
    if (actual !== digest) throw mismatch(actual, seen);
  };
  return {
    kind: 'blob-source',
    size: source.size,
    depth: source.depth,
    close: () => source.close(),
    async read() {
      if (unhashed) hash.update(unhashed);
      unhashed = undefined;
      const chunk = await source.read();
      if (!chunk) {
        if (seen !== source.size) throw mismatch('(incomplete)', seen);
        return null;
      }
      seen += chunk.length;
      if (seen > source.size) throw mismatch('(too long)', seen);
      if (seen < source.size) unhashed = chunk;
      else {
        hash.update(chunk);
        check();
      }
      return chunk;
    },
  };
}

/** Moves the whole source into the sink, one write pending at most; stops early when the sink is done. */
export async function pump(source: BlobSource, sink: RawSink): Promise<void> {
  let pending: Promise<void> | undefined;
  try {
    for (;;) {
      if (source.depth === 1 && pending) await pending;
      const chunk = await source.read();
      if (pending) await pending;
      pending = undefined;
      if (!chunk || sink.done) return;
      pending = sink.write(chunk);
    }
  } catch (err) {
    // A source that failed (short or wrong bytes): the connection goes before the body completes.
    sink.abort();
    await pending;
    throw err;
  }
}

/** The source as a Readable for the undici way (a proxy, chunked uploads): one copy per chunk there. */
export function toReadable(source: BlobSource): Readable {
  return new Readable({
    highWaterMark: 0,
    read() {
      source.read().then(
        (chunk) => this.push(chunk ? Buffer.from(chunk) : null),
        (err: unknown) => this.destroy(err as Error),
      );
    },
    destroy(err, done) {
      source.close();
      done(err);
    },
  });
}
