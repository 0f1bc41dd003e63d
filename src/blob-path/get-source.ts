// A blob read with a plain-HTTP GET over a raw socket into one reused buffer
// (a loopback registry: the action's own, or a source in merge-only mode).
// The socket is paused after every read and resumed once the bytes were
// written on, so its buffer is never overwritten while a write holds it.
// Anything but a 200 with a Content-Length of the blob's size (a redirect to
// a CDN, a 401 to answer, a chunked body) is left to the undici way.
import { errorCode } from '../errors.js';
import * as net from 'node:net';
import type { BlobSource } from './blob-pump.js';
import { abortOnCancel, codeError, destroyAtDeadline, parseHead, requestHead } from './raw-http.js';

const SOCKET_BUFFER_BYTES = 1024 * 1024;
const MAX_HEAD_BYTES = 64 * 1024;
const IDLE_TIMEOUT_MS = 120_000;

export class GetSource implements BlobSource {
  readonly kind = 'blob-source';
  readonly depth = 1;
  private readonly socket: net.Socket;
  private head = Buffer.alloc(0);
  private ready?: Buffer;
  private received = 0;
  private failure?: Error;
  private ended = false;
  private wake?: () => void;
  private opened?: (status: string | undefined) => void;
  private paused = false;
  /** The reader has the chunk in `ready`: the next read may overwrite it. */
  private handed = false;

  private constructor(
    url: URL,
    headers: Record<string, string>,
    readonly size: number,
  ) {
    const buffer = Buffer.allocUnsafeSlow(SOCKET_BUFFER_BYTES);
    this.socket = net.connect({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port) || 80,
      onread: { buffer, callback: (n: number) => this.onRead(buffer, n) },
    });
    abortOnCancel(this.socket);
    this.socket.setTimeout(IDLE_TIMEOUT_MS, () =>
      this.socket.destroy(codeError(`no data for ${IDLE_TIMEOUT_MS / 1000} s from ${url.host}`, 'ETIMEDOUT')),
    );
    destroyAtDeadline(this.socket, url.host, size);
    this.socket.on('error', (err) => this.stop(err));
    this.socket.on('close', () =>
      this.stop(
        this.received < size
          ? codeError(
              `blob body ended at byte ${this.received} of ${size}`,
              'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
            )
          : undefined,
      ),
    );
    this.socket.write(requestHead('GET', url, headers));
  }

  /** A GET of `url` answered 200 with `size` bytes, or why not (the undici way takes over). */
  static async open(url: URL, headers: Record<string, string>, size: number): Promise<GetSource | string> {
    const source = new GetSource(url, headers, size);
    const why = await new Promise<string | undefined>((resolve) => (source.opened = resolve));
    if (why === undefined) return source;
    source.close();
    return why;
  }

  async read(): Promise<Buffer | null> {
    if (this.handed) this.ready = undefined;
    this.handed = false;
    if (!this.ready && this.received >= this.size) {
      this.close();
      return null;
    }
    // Resumed only once the reader is done with the buffer: the next bytes land in it.
    if (!this.ready && this.paused) {
      this.paused = false;
      this.socket.resume();
    }
    await new Promise<void>((resolve) => {
      if (this.ready || this.failure || this.ended) resolve();
      else this.wake = resolve;
    });
    if (this.ready) {
      this.handed = true;
      return this.ready;
    }
    throw this.failure ?? codeError('blob body ended early', 'ECONNRESET');
  }

  close(): void {
    this.socket.destroy();
  }

  /** Returns false (pause) once a chunk of the body waits in `buffer` for its reader. */
  private onRead(buffer: Buffer, n: number): boolean {
    let start = 0;
    if (this.opened) {
      start = this.readHead(buffer, n);
      if (start < 0) return true;
    }
    if (start >= n) return true;
    const chunk = buffer.subarray(start, Math.min(n, start + this.size - this.received));
    this.received += chunk.length;
    this.ready = chunk;
    this.paused = true;
    this.wake?.();
    this.wake = undefined;
    return false;
  }

  /** Collects the answer's head; the offset in `buffer` where the body starts, -1 while incomplete. */
  private readHead(buffer: Buffer, n: number): number {
    this.head = Buffer.concat([this.head, buffer.subarray(0, n)]);
    let head;
    try {
      head = parseHead(this.head);
    } catch (err) {
      this.settle(String(err));
      return -1;
    }
    if (!head) {
      if (this.head.length > MAX_HEAD_BYTES) this.settle('answer head too large');
      return -1;
    }
    const { status, headers } = head;
    const length = headers['content-length'];
    if (status !== 200) this.settle(`${status}`);
    else if (headers['transfer-encoding'] || length === undefined) this.settle('no Content-Length');
    else if (Number(length) !== this.size) this.settle(`Content-Length ${length}, not ${this.size}`);
    else this.settle(undefined);
    return head.end - (this.head.length - n);
  }

  private settle(why: string | undefined): void {
    const opened = this.opened;
    this.opened = undefined;
    opened?.(why);
    if (why !== undefined) this.socket.destroy();
  }

  private stop(err: Error | undefined): void {
    this.ended = true;
    if (this.opened) this.settle(err ? (errorCode(err) ?? err.message) : 'closed');
    this.failure ??= err;
    this.wake?.();
    this.wake = undefined;
  }
}
