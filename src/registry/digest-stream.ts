// A pass-through stream that hashes what flows and fails at the end when the
// bytes are not the blob they claim to be (truncated bodies included).
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { TransientError } from '../http.js';
import type { Descriptor } from '../oci/types.js';

export class DigestVerifier extends Transform {
  private readonly hash = createHash('sha256');
  private seen = 0;

  constructor(private readonly blob: Descriptor) {
    // Larger buffers than the 16 KiB default: fewer pauses between socket reads and writes.
    super({ highWaterMark: 1024 * 1024 });
    if (!blob.digest.startsWith('sha256:')) throw new Error(`unsupported digest algorithm in ${blob.digest}`);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    this.hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    const digest = `sha256:${this.hash.digest('hex')}`;
    if (this.seen !== this.blob.size || digest !== this.blob.digest) {
      done(
        new TransientError(
          `blob ${this.blob.digest} arrived as ${this.seen} of ${this.blob.size} bytes with digest ${digest}`,
        ),
      );
      return;
    }
    done();
  }
}
