// Reading a small answer from outside (a manifest, a config, a token, an
// error text, a checksum file) with two bounds: a size, checked against
// Content-Length first and counted while the bytes come, and an overall
// deadline, so a peer that floods or drips one byte a second cannot exhaust
// the runner's memory or hold the job. A large download streamed to disk (a
// release asset) takes the same size bound as a pass-through. Blob bodies are
// streamed elsewhere.
import { Transform } from 'node:stream';
import { HttpError } from './errors.js';
import type { HttpResponse } from './http.js';

/** Docker's own limit for a manifest (distribution's and containerd's too). */
export const MANIFEST_LIMIT = 4 * 1024 * 1024;
/** An image config, an attestation or another JSON blob read whole. */
export const JSON_BLOB_LIMIT = 8 * 1024 * 1024;
/** A token server's answer. */
export const TOKEN_LIMIT = 1024 * 1024;
/** How much of an error body is kept (the rest is dropped unread). */
export const ERROR_TEXT_LIMIT = 64 * 1024;
/** The whole of a small answer, from its headers to its last byte. */
export const READ_DEADLINE_MS = 60_000;

export interface BodyBounds {
  limit: number;
  /** What is read, for the error: "manifest acme/app:1 from ghcr.io". */
  what: string;
  url: string;
  deadlineMs?: number;
}

const mib = (n: number) => `${Math.round((n / 1024 / 1024) * 100) / 100} MiB`;

function tooLarge(b: BodyBounds, seen: string): HttpError {
  return new HttpError(
    `The ${b.what} at ${safeUrl(b.url)} is larger than the ${mib(b.limit)} the action reads (${seen}); a registry or server that sends more is refused.`,
    undefined,
    'BODY_TOO_LARGE',
  );
}

/** The URL without its query (upload and storage URLs carry signatures there). */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

/** Refuses, before reading a byte, a body whose Content-Length is over the limit; the connection is dropped. */
export function refuseDeclaredExcess(res: HttpResponse, b: BodyBounds): void {
  const declared = res.headers['content-length'];
  const length = Number(Array.isArray(declared) ? declared[0] : declared);
  if (!Number.isFinite(length) || length <= b.limit) return;
  res.body.destroy();
  throw tooLarge(b, `Content-Length ${length}`);
}

/** A pass-through for a body streamed elsewhere (to disk): it fails once more than the limit has flowed. */
export function sizeBound(b: BodyBounds): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > b.limit) return done(tooLarge(b, `more than ${b.limit} bytes arrived`));
      done(null, chunk);
    },
  });
}

/** The whole body, or an error naming the limit and the URL; the connection is dropped on excess. */
export async function readBounded(res: HttpResponse, b: BodyBounds): Promise<Buffer> {
  refuseDeclaredExcess(res, b);
  return collect(res, b, true);
}

/** At most `limit` bytes of the body (an error text); the rest is dropped without being read. */
export async function readPrefix(res: HttpResponse, b: BodyBounds): Promise<Buffer> {
  return collect(res, b, false);
}

async function collect(res: HttpResponse, b: BodyBounds, strict: boolean): Promise<Buffer> {
  const deadlineMs = b.deadlineMs ?? READ_DEADLINE_MS;
  let late = false;
  const timer = setTimeout(() => {
    late = true;
    res.body.destroy();
  }, deadlineMs);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > b.limit) {
        res.body.destroy();
        if (strict) throw tooLarge(b, `more than ${b.limit} bytes arrived`);
        chunks.push(chunk.subarray(0, chunk.length - (total - b.limit)));
        break;
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (!late) throw err;
  } finally {
    clearTimeout(timer);
  }
  if (late)
    throw new HttpError(
      `The ${b.what} at ${safeUrl(b.url)} did not arrive within ${deadlineMs / 1000} s (${total} bytes came); the server is too slow or holds the connection open.`,
      undefined,
      'BODY_DEADLINE',
    );
  return Buffer.concat(chunks);
}
