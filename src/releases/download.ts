// Release downloads through http.ts: redirects followed, transient failures
// retried, the body streamed to disk and hashed while it streams; a file
// whose sha256 differs from the release's checksum is deleted, never used.
// Every body is bounded by bounded-body.ts: Content-Length is checked first and
// the bytes are counted as they arrive, so a hostile mirror cannot fill memory
// or the disk.
import { createHash } from 'node:crypto';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { readBounded, refuseDeclaredExcess, sizeBound, type BodyBounds } from '../bounded-body.js';
import { ActionError, HttpError } from '../errors.js';
import { header, type Http, type HttpResponse } from '../http.js';
import { isTransientStatus, parseRetryAfter, TransientError, withRetry } from '../retry.js';
import { transferDeadlineMs } from '../deadline.js';

/** A checksum file is a few lines; 1 MiB is far more than any release's. */
export const MAX_CHECKSUMS_BYTES = 1024 * 1024;
/** buildx and registry release assets are 50-70 MB; no tool of ours comes near 512 MiB. */
export const MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024;

export interface Source {
  url: string;
  /** What it is, for logs and errors: "buildx v0.13.1 checksums". */
  what: string;
  /** The fix when it cannot be had: which input to change. */
  hint: string;
}

async function ensureOk(res: HttpResponse, src: Source): Promise<void> {
  if (res.status === 200) return;
  await res.body.dump();
  if (isTransientStatus(res.status)) {
    throw new TransientError(
      `GET ${src.url} answered ${res.status}`,
      parseRetryAfter(header(res, 'retry-after')),
    );
  }
  throw new ActionError(`Cannot download ${src.what} from ${src.url}: HTTP ${res.status}.`, src.hint);
}

const bounds = (src: Source, limit: number): BodyBounds => ({ limit, what: src.what, url: src.url });

/** bounded-body's refusal (too large, too slow) with the input to change; anything else as it is. */
function withHint(err: unknown, src: Source): unknown {
  if (err instanceof HttpError && (err.code === 'BODY_TOO_LARGE' || err.code === 'BODY_DEADLINE'))
    return new ActionError(`${err.message} Nothing was used.`, src.hint);
  return err;
}

/** A checksum file's text, at most `limit` bytes. */
export async function fetchText(http: Http, src: Source, limit = MAX_CHECKSUMS_BYTES): Promise<string> {
  return withRetry(`downloading ${src.what}`, async () => {
    const res = await http.getFollowing(src.url);
    await ensureOk(res, src);
    try {
      return (await readBounded(res, bounds(src, limit))).toString('utf8');
    } catch (err) {
      throw withHint(err, src);
    }
  });
}

/** A pass-through that hashes what flows. */
function sha256Tap(): { tap: Transform; hex: () => string } {
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  return { tap, hex: () => hash.digest('hex') };
}

/**
 * Downloads `src` to `dest` (mode 0755) only if its sha256 is `sha256` and it
 * is at most `limit` bytes; on a mismatch nothing is left at `dest` and the
 * error names both hashes.
 */
export async function downloadVerified(
  http: Http,
  src: Source,
  dest: string,
  sha256: string,
  limit = MAX_DOWNLOAD_BYTES,
): Promise<void> {
  const partial = `${dest}.partial`;
  await withRetry(`downloading ${src.what}`, async () => {
    const res = await http.getFollowing(src.url, undefined, transferDeadlineMs(limit));
    await ensureOk(res, src);
    const { tap, hex } = sha256Tap();
    try {
      refuseDeclaredExcess(res, bounds(src, limit));
      await pipeline(
        res.body,
        sizeBound(bounds(src, limit)),
        tap,
        createWriteStream(partial, { mode: 0o755 }),
      );
    } catch (err) {
      rmSync(partial, { force: true });
      throw withHint(err, src);
    }
    const actual = hex();
    if (actual !== sha256.toLowerCase()) {
      rmSync(partial, { force: true });
      throw new ActionError(
        `Checksum mismatch for ${src.what} from ${src.url}: sha256 is ${actual}, the release's checksums say ${sha256}; nothing was installed.`,
        src.hint,
      );
    }
    renameSync(partial, dest);
  });
}
