// A registry API client for one registry: manifests and blobs, with auth
// from the registry's own challenge (auth.ts), HTTPS unless told otherwise,
// and transient statuses turned into TransientError for the retry policy.
import type { Readable } from 'node:stream';
import { HttpError } from '../errors.js';
import { header, isCertificateError, type Http, type HttpRequest, type HttpResponse } from '../http.js';
import {
  currentBudget,
  DEFAULT_RETRY,
  isTransientStatus,
  parseRetryAfter,
  TransientError,
  withRetry,
  type RetryPolicy,
} from '../retry.js';
import { MANIFEST_ACCEPT } from '../oci/media-types.js';
import { sha256Digest } from '../oci/digest.js';
import type { Descriptor, RawManifest } from '../oci/types.js';
import { Authenticator } from './auth.js';
import { describeStatus, drain } from './response.js';
import { BodyLimit } from '../blob-path/body-limit.js';
import type { BlobSource } from '../blob-path/blob-pump.js';
import { isLeanUrl, sendBlobBody } from '../blob-path/blob-send.js';
import { WarmSocket } from '../blob-path/warm-socket.js';
import { verified } from '../oci/digest-stream.js';
import type { Credentials } from './credentials.js';
import { resolveBase, type Scheme } from './base-url.js';
import { scopeFor, type Access } from './token.js';
import { credentialRule } from './origin.js';
import { checkDigest } from '../oci/digest.js';
import { JSON_BLOB_LIMIT, readBounded } from '../bounded-body.js';
import { readManifest } from './manifest-read.js';
import { untrustedCertificate } from './tls-error.js';
import { transferDeadlineMs } from '../deadline.js';

export interface ClientOptions {
  credentials?: Credentials;
  scheme?: Scheme;
  /** How long to ride out failures; the action's own loopback registry wants LOCAL_RETRY. */
  retry?: RetryPolicy;
}

export interface Req {
  method: HttpRequest['method'];
  /** A path under the registry, or an absolute URL (a Location). */
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer | Readable;
  /** Headers to last byte; default: by the body's Content-Length (deadline.ts). */
  deadlineMs?: number;
}

export type BlobReq = Omit<Req, 'body' | 'deadlineMs'> & { body: BlobSource; warm?: WarmSocket };

const MAX_REDIRECTS = 5;

/**
 * Tries of a manifest PUT the registry refuses as DIGEST_INVALID. The bytes
 * sent are always their digest's (read and checked, or serialized here), so
 * the refusal is the registry's: distribution before 3.1 rewrites a blob's
 * link file in place, and a manifest PUT that checks its blobs while another
 * push of one of them into the same repository (two jobs of a fan-out)
 * rewrites that file reads it empty. A proxy that changes bodies would fail
 * every try: a few, not the minute transient errors get.
 */
const RACED_DIGEST_ATTEMPTS = 3;

export class RegistryClient {
  private base?: Promise<string>;
  readonly auth: Authenticator;
  /** What this registry accepts as one request body: whole blobs, or chunks of some size. */
  readonly bodyLimit: BodyLimit;
  /** The retry policy of every operation on this registry. */
  readonly retry: RetryPolicy;

  constructor(
    readonly http: Http,
    readonly registry: string,
    private readonly options: ClientOptions = {},
  ) {
    this.auth = new Authenticator(http, registry, options.credentials);
    this.bodyLimit = new BodyLimit(registry);
    this.retry = options.retry ?? DEFAULT_RETRY;
  }

  get identity(): string {
    return this.auth.identity;
  }

  /** https://host or http://host; a loopback registry is asked over TLS first. */
  baseUrl(): Promise<string> {
    this.base ??= resolveBase(this.http, this.registry, this.options.scheme).catch((err: unknown) => {
      this.base = undefined;
      throw err;
    });
    return this.base;
  }

  /** The Authorization for `url`: on the registry's own origin only (origin.ts decides). */
  async authorizationFor(url: string, scopes: readonly string[]): Promise<string | undefined> {
    const own = credentialRule(await this.baseUrl(), url, this.registry) === 'send';
    return own ? this.auth.authorization(scopes) : undefined;
  }

  /**
   * One request, with credentials only on the registry's own origin (origin.ts; https never
   * to http); a 401 is answered once (new token), a transient status thrown.
   */
  async send(req: Req, scopes: readonly string[]): Promise<HttpResponse> {
    const { body, deadlineMs } = req;
    const replayable = !(body && typeof body === 'object' && !Buffer.isBuffer(body));
    return this.exchange(req, scopes, replayable, (r) => this.http.request({ ...r, body, deadlineMs }));
  }

  /** The same with a blob body from the blob path: a raw socket where it can, else undici; never replayed. */
  async sendBlob(req: BlobReq, scopes: readonly string[]): Promise<HttpResponse> {
    return this.exchange(req, scopes, false, (r) =>
      sendBlobBody(this.http, { ...r, body: req.body, warm: req.warm }),
    );
  }

  /** A connection opened ahead for a blob's raw PUT; undefined where a PUT would not go raw (a proxy). */
  async warmBlobSocket(): Promise<WarmSocket | undefined> {
    const base = new URL(await this.baseUrl());
    return isLeanUrl(base) ? WarmSocket.open(base, this.http.ca) : undefined;
  }

  private async exchange(
    req: Omit<Req, 'body'>,
    scopes: readonly string[],
    replayable: boolean,
    transport: (r: {
      method: Req['method'];
      url: string;
      headers: Record<string, string>;
    }) => Promise<HttpResponse>,
  ): Promise<HttpResponse> {
    const base = await this.baseUrl();
    const url = new URL(req.url, base).toString();
    const own = credentialRule(base, url, this.registry) === 'send';
    for (let rejected = 0; ;) {
      const auth = own ? await this.auth.authorization(scopes) : undefined;
      const headers = { ...req.headers, ...(auth && { authorization: auth }) };
      const res = await transport({ method: req.method, url, headers }).catch((err: unknown) => {
        throw isCertificateError(err) ? untrustedCertificate(this.registry, err) : err;
      });
      if (res.status === 401) {
        // A 401 to a request without credentials is the challenge; a rejected credential
        // is answered once (a new token, or Basic after the challenge), a second time is final.
        const body = await drain(res);
        if (auth !== undefined) rejected++;
        const challenge = header(res, 'www-authenticate');
        if (own && rejected <= 1 && (await this.auth.refresh(challenge, scopes, auth, base))) {
          if (replayable) continue;
          throw new TransientError(`${req.method} ${new URL(url).pathname} needed fresh credentials`);
        }
        return this.fail(res, `${req.method} ${new URL(url).pathname}`, body);
      }
      if (isTransientStatus(res.status)) {
        const body = await drain(res);
        throw new TransientError(
          `${req.method} ${new URL(url).pathname}: ${describeStatus(res.status, body)}`,
          parseRetryAfter(header(res, 'retry-after')),
        );
      }
      currentBudget()?.answered();
      return res;
    }
  }

  /** A failure that is not worth retrying: the registry, repository and what was being done. */
  async fail(res: HttpResponse, what: string, body?: string): Promise<never> {
    const text = body ?? (await drain(res));
    const hint =
      res.status === 401 || res.status === 403
        ? ` for ${this.identity}. Check 'username' and 'password' or run docker/login-action first.`
        : '.';
    throw new HttpError(
      `Cannot ${what} on ${this.registry}: ${describeStatus(res.status, text)}${hint}`,
      res.status,
    );
  }

  /** The exact bytes of a manifest; undefined on 404. The digest is computed, never trusted. */
  async getManifest(repo: string, ref: string, access: Access = 'pull'): Promise<RawManifest | undefined> {
    return withRetry(
      `reading ${this.registry}/${repo}:${ref}`,
      async () => {
        if (ref.includes(':')) checkDigest(ref, `A reference to ${repo} on ${this.registry}`);
        const url = `/v2/${repo}/manifests/${ref}`;
        const res = await this.send({ method: 'GET', url, headers: { accept: MANIFEST_ACCEPT } }, [
          scopeFor(repo, access),
        ]);
        if (res.status === 404) {
          await drain(res);
          return undefined;
        }
        if (res.status !== 200) return this.fail(res, `read manifest ${repo}:${ref}`);
        const where = {
          repo,
          ref,
          registry: this.registry,
          url: new URL(url, await this.baseUrl()).toString(),
        };
        return readManifest(res, where);
      },
      this.retry,
    );
  }

  async hasManifest(repo: string, digest: string): Promise<boolean> {
    checkDigest(digest, `A manifest of ${repo}`);
    return withRetry(
      `checking ${this.registry}/${repo}@${digest}`,
      async () => {
        const res = await this.send(
          { method: 'HEAD', url: `/v2/${repo}/manifests/${digest}`, headers: { accept: MANIFEST_ACCEPT } },
          [scopeFor(repo, 'push')],
        );
        const body = await drain(res);
        if (res.status === 200) return true;
        if (res.status === 404) return false;
        return this.fail(res, `check manifest ${repo}@${digest}`, body);
      },
      this.retry,
    );
  }

  /** Writes the bytes; answers the OCI-Subject header a registry with the referrers API sends back. */
  async putManifest(repo: string, ref: string, manifest: RawManifest): Promise<string | undefined> {
    return withRetry(
      `writing ${this.registry}/${repo}:${ref}`,
      async (attempt) => {
        const res = await this.send(
          {
            method: 'PUT',
            url: `/v2/${repo}/manifests/${ref}`,
            headers: { 'content-type': manifest.mediaType },
            body: manifest.bytes,
          },
          [scopeFor(repo, 'push')],
        );
        const body = await drain(res);
        if (res.status === 201 || res.status === 200) return header(res, 'oci-subject');
        if (res.status === 400 && /DIGEST_INVALID/.test(body) && attempt < RACED_DIGEST_ATTEMPTS)
          throw new TransientError(
            `${this.registry} refused manifest ${repo}:${ref} as DIGEST_INVALID, though its bytes are its digest's (a registry reading one of its blobs while another push writes it)`,
          );
        return this.fail(res, `write manifest ${repo}:${ref}`, body);
      },
      this.retry,
    );
  }

  async hasBlob(repo: string, digest: string): Promise<boolean> {
    checkDigest(digest, `A blob of ${repo}`);
    return withRetry(
      `checking blob ${this.registry}/${repo}@${digest}`,
      async () => {
        const res = await this.send({ method: 'HEAD', url: `/v2/${repo}/blobs/${digest}` }, [
          scopeFor(repo, 'push'),
        ]);
        const body = await drain(res);
        if (res.status === 200) return true;
        if (res.status === 404) return false;
        return this.fail(res, `check blob ${repo}@${digest}`, body);
      },
      this.retry,
    );
  }

  /** The blob's bytes, hashed on the way; bytes that are not the blob fail as transient. */
  async streamBlob(repo: string, blob: Descriptor): Promise<Readable> {
    return verified((await this.openBlob(repo, blob.digest, blob.size)).body, blob);
  }

  /** Opens a blob for streaming, following redirects to storage without our Authorization. */
  async openBlob(repo: string, digest: string, size?: number): Promise<HttpResponse> {
    checkDigest(digest, `A blob of ${repo}`);
    const deadlineMs = transferDeadlineMs(size);
    let res = await this.send({ method: 'GET', url: `/v2/${repo}/blobs/${digest}`, deadlineMs }, [
      scopeFor(repo, 'pull'),
    ]);
    for (let hop = 0; res.status >= 300 && res.status < 400 && hop < MAX_REDIRECTS; hop++) {
      const location = header(res, 'location');
      await drain(res);
      if (!location) break;
      res = await this.http.request({
        method: 'GET',
        url: new URL(location, await this.baseUrl()).toString(),
        deadlineMs,
      });
      if (isTransientStatus(res.status))
        throw new TransientError(`blob ${digest} redirect answered ${res.status}`);
    }
    if (res.status !== 200) return this.fail(res, `read blob ${repo}@${digest}`);
    return res;
  }

  async readBlobJson<T>(repo: string, digest: string): Promise<T> {
    return withRetry(
      `reading blob ${this.registry}/${repo}@${digest}`,
      async () => {
        const res = await this.openBlob(repo, digest);
        const url = `${await this.baseUrl()}/v2/${repo}/blobs/${digest}`;
        const bytes = await readBounded(res, { limit: JSON_BLOB_LIMIT, what: `blob ${repo}@${digest}`, url });
        if (sha256Digest(bytes) !== digest)
          throw new TransientError(`blob ${digest} arrived with another digest`);
        return JSON.parse(bytes.toString('utf8')) as T;
      },
      this.retry,
    );
  }
}
