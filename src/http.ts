// The only builder of undici dispatchers: proxy-aware, explicit header, body
// and overall timeouts, closed in one place. Retrying is retry.ts's.
import { EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';
import { cancelSignal } from './cancel.js';
import { HttpError, errorCode } from './errors.js';
import { noAnswer, requestLimit, untilAborted } from './request-limit.js';
import { overallDeadline, transferDeadlineMs } from './deadline.js';

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer | Readable;
  /** Headers to last byte of the answer; default: deadline.ts's for the body's Content-Length. */
  deadlineMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

export interface HttpOptions {
  /** Every CA certificate (PEM) to trust; undefined keeps Node's defaults. */
  ca?: string[];
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
}

export class Http {
  private readonly dispatcher: Dispatcher;
  /** The CAs to trust, for the lean blob path's own TLS sockets too. */
  readonly ca?: string[];

  constructor(options: HttpOptions = {}) {
    this.ca = options.ca;
    this.dispatcher = new EnvHttpProxyAgent({
      headersTimeout: options.headersTimeoutMs ?? 60_000,
      bodyTimeout: options.bodyTimeoutMs ?? 120_000,
      // A registry rarely sends a Keep-Alive hint, and undici's default then drops a connection idle
      // for 4 s: the ones that checked and started the uploads, idle while the layers go up, so the
      // manifests and tags after them paid a new connection each. Go's clients keep one for 90 s; an
      // answer lost to a server that closed first is a reset, which retry.ts retries.
      keepAliveTimeout: 30_000,
      connect: options.ca ? { ca: options.ca, timeout: 30_000 } : { timeout: 30_000 },
      // Through a proxy's CONNECT tunnel the registry's TLS is requestTls's, not connect's.
      ...(options.ca && { requestTls: { ca: options.ca } }),
    });
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const limit = requestLimit();
    const length = Number(req.headers?.['content-length'] ?? req.headers?.['Content-Length'] ?? 0);
    const deadline = overallDeadline(new URL(req.url).host, req.deadlineMs ?? transferDeadlineMs(length));
    const pending = request(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      dispatcher: this.dispatcher,
      // undici closes the connection after every HEAD (for servers that answer one with a body); a
      // registry does not, and each new connection costs a round trip: keep it, as Go's client does.
      ...(req.method === 'HEAD' && { reset: false }),
      // a cancelled job stops its uploads at once; a peer that drips meets the deadline
      signal: AbortSignal.any([cancelSignal, deadline.signal, ...(limit ? [limit.signal] : [])]),
    });
    try {
      // undici honours the signal only once connected: a TLS handshake that hangs is given up here.
      const res = limit ? await Promise.race([pending, untilAborted(limit.signal)]) : await pending;
      res.body.once('close', deadline.clear);
      return { status: res.statusCode, headers: res.headers, body: res.body };
    } catch (err) {
      deadline.clear();
      if (!limit?.signal.aborted) throw err;
      // Given up: an answer that still comes frees its connection.
      pending.then(
        (late) => late.body.dump(),
        () => undefined,
      );
      throw cancelSignal.aborted ? err : noAnswer(req.url, limit.ms);
    }
  }

  /**
   * GET that follows redirects (release downloads answer 302 to a CDN), no
   * credentials sent. Answers the first non-redirect response; the caller owns its body.
   */
  async getFollowing(url: string, maxRedirects = 5, deadlineMs?: number): Promise<HttpResponse> {
    let current = url;
    for (let hops = 0; ; hops++) {
      const res = await this.request({ method: 'GET', url: current, deadlineMs });
      const location = header(res, 'location');
      if (!REDIRECTS.has(res.status) || !location) return res;
      await res.body.dump();
      if (hops >= maxRedirects) throw new HttpError(`GET ${url} redirected more than ${maxRedirects} times.`);
      const next = new URL(location, current);
      if (new URL(current).protocol === 'https:' && next.protocol !== 'https:')
        throw new HttpError(
          `GET ${url} was redirected from https to ${next.protocol}//${next.host}${next.pathname}: a download never leaves https. Check the mirror's redirects.`,
        );
      current = next.toString();
    }
  }

  /**
   * Closes every connection without waiting for what is still in flight: nothing the action waits
   * for is by then, and a connect to a host that never answered (its request given up) would
   * hold the step for undici's 30 s connect timeout.
   */
  async close(): Promise<void> {
    await this.dispatcher.destroy();
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * The CAs to trust when 'ca-file' is set: TLS replaces its defaults when given
 * a list, so the system roots and NODE_EXTRA_CA_CERTS are listed too. Without
 * a CA file Node's defaults (which already hold NODE_EXTRA_CA_CERTS) apply.
 */
export function trustedCas(caFile: string): string[] | undefined {
  if (!caFile) return undefined;
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  return [...rootCertificates, ...(extra ? [readFileSync(extra, 'utf8')] : []), readFileSync(caFile, 'utf8')];
}

/** A TLS failure about trust (unknown CA, self-signed, wrong name, expired): never retried. */
export function isCertificateError(err: unknown): boolean {
  const code = errorCode(err);
  return typeof code === 'string' && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code);
}

export function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
