// A pass-through stream that hashes what flows and fails at the end when the
// bytes are not the blob they claim to be (truncated bodies included). How it
// fails is the source's to say: from a registry it is worth another attempt,
// from a damaged file it is not.
import { createHash } from 'node:crypto';
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import { ActionError } from '../errors.js';
import { TransientError } from '../retry.js';
import type { Descriptor } from './types.js';

export class DigestVerifier extends Transform {
  private readonly hash = createHash('sha256');
  private seen = 0;

  constructor(
    private readonly blob: Descriptor,
    private readonly mismatch: Mismatch = arrivedAs,
  ) {
    // Larger buffers than the 16 KiB default: fewer pauses between socket reads and writes.
    super({ highWaterMark: 1024 * 1024 });
    if (!blob.digest.startsWith('sha256:'))
      throw new ActionError(
        `Blob ${blob.digest} uses a digest algorithm this action cannot verify; only sha256 is supported.`,
      );
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    this.hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    const digest = `sha256:${this.hash.digest('hex')}`;
    if (this.seen !== this.blob.size || digest !== this.blob.digest) {
      done(this.mismatch(this.blob, digest, this.seen));
      return;
    }
    done();
  }
}

/** The error for bytes that are not `blob`: what they hash to, and how many there were. */
export type Mismatch = (blob: Descriptor, actual: string, seen: number) => Error;

/** The default: a body that went wrong on the way, worth another attempt. */
const arrivedAs: Mismatch = (blob, actual, seen) =>
  new TransientError(`blob ${blob.digest} arrived as ${seen} of ${blob.size} bytes with digest ${actual}`);

/** `body` through a DigestVerifier: errors on either side surface while reading the result. */
export function verified(body: Readable, blob: Descriptor, mismatch?: Mismatch): Readable {
  const verifier = new DigestVerifier(blob, mismatch);
  pipeline(body, verifier, () => undefined);
  return verifier;
}
