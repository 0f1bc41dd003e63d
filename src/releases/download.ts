// Release downloads through http.ts: redirects followed, transient failures
// retried, the body streamed to disk and hashed while it streams; a file
// whose sha256 differs from the release's checksum is deleted, never used.
import { createHash } from 'node:crypto';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ActionError } from '../errors.js';
import { header, type Http, type HttpResponse } from '../http.js';
import { isTransientStatus, parseRetryAfter, TransientError, withRetry } from '../retry.js';

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

export async function fetchText(http: Http, src: Source): Promise<string> {
  return withRetry(`downloading ${src.what}`, async () => {
    const res = await http.getFollowing(src.url);
    await ensureOk(res, src);
    return res.body.text();
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
 * Downloads `src` to `dest` (mode 0755) only if its sha256 is `sha256`;
 * on a mismatch nothing is left at `dest` and the error names both hashes.
 */
export async function downloadVerified(http: Http, src: Source, dest: string, sha256: string): Promise<void> {
  const partial = `${dest}.partial`;
  await withRetry(`downloading ${src.what}`, async () => {
    const res = await http.getFollowing(src.url);
    await ensureOk(res, src);
    const { tap, hex } = sha256Tap();
    try {
      await pipeline(res.body, tap, createWriteStream(partial, { mode: 0o755 }));
    } catch (err) {
      rmSync(partial, { force: true });
      throw err;
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
