// A minimal HTTP/1.1 client for one request with a large body (a blob's PUT
// or PATCH) over a plain or TLS socket: the body is written from buffers the
// caller owns and reuses, each write awaited before its buffer is handed back,
// so no Buffer is made per chunk. Only the status line and the headers of the
// answer are parsed (its body is a short error text at most). Everything else
// (auth, tokens, HEAD, POST, manifests) stays on undici in http.ts.
import * as net from 'node:net';
import * as tls from 'node:tls';
import { cancelSignal } from '../cancel.js';
import { overallDeadline, transferDeadlineMs } from '../deadline.js';

export interface RawAnswer {
  status: number;
  /** Lowercased names; a repeated header keeps its first value. */
  headers: Record<string, string>;
  /** The answer's body as text, at most 64 KiB. */
  text: string;
}

/** Header bytes at most: a registry's answer is a few hundred. */
const MAX_ANSWER_BYTES = 64 * 1024;
const IDLE_TIMEOUT_MS = 120_000;

/** Status line and headers of an answer (pure); undefined until the blank line has arrived. */
export function parseHead(
  bytes: Buffer,
): { status: number; headers: Record<string, string>; end: number } | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine = '', ...lines] = bytes.toString('latin1', 0, end).split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!m) throw codeError(`not an HTTP answer: ${JSON.stringify(statusLine.slice(0, 80))}`, 'ECONNRESET');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers[name] ??= line.slice(colon + 1).trim();
  }
  return { status: Number(m[1]), headers, end: end + 4 };
}

/** Destroys `socket` with the cancellation's reason once the job is cancelled (as undici's requests are). */
export function abortOnCancel(socket: net.Socket): void {
  const abort = () => socket.destroy(cancelSignal.reason as Error);
  if (cancelSignal.aborted) {
    abort();
    return;
  }
  cancelSignal.addEventListener('abort', abort, { once: true });
  socket.once('close', () => cancelSignal.removeEventListener('abort', abort));
}

/** An error with a code the retry policy knows (ECONNRESET, EPIPE, ETIMEDOUT are transient). */
export function codeError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** The request line and headers (pure); `Host` from the URL, the connection closed afterwards. */
export function requestHead(method: string, url: URL, headers: Record<string, string>): string {
  const lines = [`${method} ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`, 'connection: close'];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

export interface SinkOptions {
  /** CA certificates for https (PEM); Node's defaults when undefined. */
  ca?: string[];
  /** A connection to the URL's origin opened ahead (warm-socket.ts); a new one when undefined. */
  socket?: net.Socket;
}

/** A new plain or TLS connection to the URL's origin, with Nagle off (the body goes in large writes). */
export function connectRaw(url: URL, ca?: string[]): net.Socket {
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const socket =
    url.protocol === 'https:'
      ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ca })
      : net.connect({ host, port });
  socket.setNoDelay(true);
  return socket;
}

/** Destroys `socket` at the overall deadline (deadline.ts) of a transfer of `bytes`; closing it first clears that. */
export function destroyAtDeadline(socket: net.Socket, host: string, bytes: number): void {
  const deadline = overallDeadline(host, transferDeadlineMs(bytes));
  deadline.signal.addEventListener('abort', () => socket.destroy(deadline.signal.reason as Error), {
    once: true,
  });
  socket.once('close', deadline.clear);
}

/** One request on its own connection: write the body, then read the answer. */
export class RawSink {
  private readonly socket: net.Socket;
  private received: Buffer = Buffer.alloc(0);
  private failure?: Error;
  private answer?: RawAnswer;
  private readonly answered: Promise<RawAnswer>;

  constructor(method: string, url: URL, headers: Record<string, string>, options: SinkOptions = {}) {
    this.socket = options.socket ?? connectRaw(url, options.ca);
    abortOnCancel(this.socket);
    this.socket.setTimeout(IDLE_TIMEOUT_MS, () =>
      this.socket.destroy(
        codeError(`no progress for ${IDLE_TIMEOUT_MS / 1000} s on ${url.host}`, 'ETIMEDOUT'),
      ),
    );
    destroyAtDeadline(this.socket, url.host, Number(headers['content-length'] ?? 0));
    this.answered = new Promise((resolve, reject) => {
      this.socket.on('data', (d: Buffer) => this.onData(d, resolve));
      // A broken connection is only final at close: an answer that arrived first (a 413
      // before the socket was torn down) wins over the EPIPE of the write after it.
      this.socket.on('error', (err) => (this.failure ??= err));
      this.socket.on('close', () => {
        if (this.answer) resolve(this.answer);
        else if (this.answerAtClose()) resolve(this.answer as unknown as RawAnswer);
        else
          reject(
            this.failure ?? codeError(`${url.host} closed the connection before answering`, 'ECONNRESET'),
          );
      });
    });
    this.answered.catch(() => undefined); // read by finish(); a write sees the failure too
    this.socket.write(requestHead(method, url, headers));
  }

  /** True once the server answered or the connection broke: the rest of the body is not wanted. */
  get done(): boolean {
    return this.answer !== undefined || this.failure !== undefined || this.socket.destroyed;
  }

  /**
   * Writes `chunk` and resolves once the socket is done with it, so the caller
   * may reuse the buffer. Never rejects: a failure is finish()'s to report.
   */
  write(chunk: Buffer): Promise<void> {
    if (this.done) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.write(chunk, (err) => {
        if (err) this.failure ??= err;
        resolve();
      });
    });
  }

  /** The server's answer once the whole body went out (or earlier, when it answered early). */
  async finish(): Promise<RawAnswer> {
    try {
      return await this.answered;
    } finally {
      this.socket.destroy();
    }
  }

  abort(err?: Error): void {
    this.socket.destroy(err);
  }

  private onData(d: Buffer, resolve: (a: RawAnswer) => void): void {
    if (this.received.length + d.length > MAX_ANSWER_BYTES) {
      this.socket.destroy(codeError('answer larger than 64 KiB', 'ECONNRESET'));
      return;
    }
    this.received = Buffer.concat([this.received, d]); // the answer only: a few hundred bytes
    try {
      if (this.tryAnswer(false) && this.answer) resolve(this.answer);
    } catch (err) {
      this.socket.destroy(err as Error);
    }
  }

  private answerAtClose(): boolean {
    try {
      return this.received.length > 0 && this.tryAnswer(true);
    } catch {
      return false;
    }
  }

  /** Parses what arrived; an answer is complete at its Content-Length, or at close without one. */
  private tryAnswer(closed: boolean): boolean {
    const head = parseHead(this.received);
    if (!head) return false;
    const length = head.headers['content-length'];
    const body = this.received.subarray(head.end);
    if (length === undefined ? !closed : body.length < Number(length)) return false;
    this.answer = { status: head.status, headers: head.headers, text: body.toString('utf8') };
    return true;
  }
}
