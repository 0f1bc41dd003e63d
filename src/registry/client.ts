// A registry API client for one registry: manifests and blobs, with basic
// and Bearer-token auth from the registry's own challenge, transient
// statuses turned into TransientError for the retry policy.
import type { Readable } from 'node:stream';
import { HttpError } from '../errors.js';
import {
  header,
  isTransientStatus,
  parseRetryAfter,
  TransientError,
  withRetry,
  type Http,
  type HttpResponse,
} from '../http.js';
import { MANIFEST_ACCEPT } from '../oci/media-types.js';
import { sha256Digest } from '../oci/index-merge.js';
import type { Descriptor, RawManifest } from '../oci/types.js';
import { parseChallenge } from './challenge.js';
import type { Credentials } from './credentials.js';
import { apiHost } from './reference.js';

export type Access = 'pull' | 'push';

export interface ClientOptions {
  credentials?: Credentials;
  /** Plain HTTP: loopback and registries listed as insecure only. */
  plainHttp?: boolean;
}

interface Req {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST';
  /** A path under the registry, or an absolute URL (a Location). */
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer | Readable;
}

const MAX_REDIRECTS = 5;

async function drain(res: HttpResponse): Promise<string> {
  const text = await res.body.text().catch(() => '');
  return text.slice(0, 4096);
}

/** Appends a query parameter, leaving the registry's own query bytes untouched. */
export function withQuery(url: string, key: string, value: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}${key}=${encodeURIComponent(value)}`;
}

/** "401 UNAUTHORIZED: authentication required" from a registry error body. */
export function describeStatus(status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as { errors?: { code?: string; message?: string }[] };
    const first = parsed.errors?.[0];
    if (first?.code) return `${status} ${first.code}${first.message ? `: ${first.message}` : ''}`;
  } catch {
    // not a registry error body
  }
  return `${status}${body.trim() ? `: ${body.trim().split('\n')[0]?.slice(0, 200)}` : ''}`;
}

export class RegistryClient {
  readonly base: string;
  private basic?: string;
  private bearerRealm?: Record<string, string>;
  private readonly tokens = new Map<string, string>();

  constructor(
    private readonly http: Http,
    readonly registry: string,
    private readonly options: ClientOptions = {},
  ) {
    this.base = `${options.plainHttp ? 'http' : 'https'}://${apiHost(registry)}`;
  }

  /** Who we are to this registry, for error messages. */
  get identity(): string {
    const c = this.options.credentials;
    return c ? `user '${c.username}' (from ${c.source})` : 'anonymous access';
  }

  private scope(repo: string, access: Access): string {
    return `repository:${repo}:${access === 'push' ? 'pull,push' : 'pull'}`;
  }

  private authorization(repo: string, access: Access): string | undefined {
    return this.bearerRealm ? this.tokens.get(this.scope(repo, access)) : this.basic;
  }

  /** Answers a 401 challenge; true when a new Authorization is worth a retry. */
  private async authenticate(res: HttpResponse, repo: string, access: Access): Promise<boolean> {
    const challenge = parseChallenge(header(res, 'www-authenticate'));
    const creds = this.options.credentials;
    if (challenge?.scheme === 'basic') {
      if (!creds || this.basic) return false;
      this.basic = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
      return true;
    }
    if (challenge?.scheme !== 'bearer' || !challenge.params.realm) return false;
    this.bearerRealm = challenge.params;
    const scope = this.scope(repo, access);
    this.tokens.set(scope, `Bearer ${await this.fetchToken(challenge.params, scope)}`);
    return true;
  }

  private async fetchToken(params: Record<string, string>, scope: string): Promise<string> {
    const url = new URL(params.realm ?? '');
    if (params.service) url.searchParams.set('service', params.service);
    url.searchParams.append('scope', scope);
    const creds = this.options.credentials;
    const headers: Record<string, string> = {};
    if (creds)
      headers.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    const res = await this.http.request({ method: 'GET', url: url.toString(), headers });
    if (res.status !== 200) {
      const body = await drain(res);
      if (isTransientStatus(res.status))
        throw new TransientError(`token server ${url.host} answered ${res.status}`);
      throw new HttpError(
        `Cannot get a token for ${scope} from ${url.origin}${url.pathname}: ${describeStatus(res.status, body)} for ${this.identity}. Check 'username' and 'password' or run docker/login-action first.`,
        res.status,
      );
    }
    const json = (await res.body.json()) as { token?: string; access_token?: string };
    const token = json.token ?? json.access_token;
    if (!token) throw new HttpError(`Token server ${url.host} answered without a token for ${scope}.`);
    return token;
  }

  private async send(req: Req, repo: string, access: Access): Promise<HttpResponse> {
    const replayable = !(req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body));
    const url = new URL(req.url, this.base).toString();
    for (let attempt = 0; ; attempt++) {
      const auth = this.authorization(repo, access);
      const res = await this.http.request({
        method: req.method,
        url,
        headers: { ...req.headers, ...(auth && { authorization: auth }) },
        body: req.body,
      });
      if (res.status === 401) {
        const body = await drain(res);
        // Another request may have refreshed credentials meanwhile; else answer the challenge.
        const refreshed =
          auth !== this.authorization(repo, access) ||
          (attempt === 0 && (await this.authenticate(res, repo, access)));
        if (refreshed && attempt === 0) {
          if (replayable) continue;
          throw new TransientError(`${req.method} ${repo} needed fresh credentials`);
        }
        throw new HttpError(
          `Cannot ${req.method} ${new URL(url).pathname} on ${this.registry}: ${describeStatus(401, body)} for ${this.identity}. Check 'username' and 'password' or run docker/login-action first.`,
          401,
        );
      }
      if (isTransientStatus(res.status)) {
        const body = await drain(res);
        throw new TransientError(
          `${req.method} ${new URL(url).pathname}: ${describeStatus(res.status, body)}`,
          parseRetryAfter(header(res, 'retry-after')),
        );
      }
      return res;
    }
  }

  /** A failure that is not worth retrying: the registry, repository and what was being done. */
  private async fail(res: HttpResponse, what: string): Promise<never> {
    const body = await drain(res);
    const hint =
      res.status === 401 || res.status === 403
        ? ` for ${this.identity}. Check 'username' and 'password' or run docker/login-action first.`
        : '.';
    throw new HttpError(
      `Cannot ${what} on ${this.registry}: ${describeStatus(res.status, body)}${hint}`,
      res.status,
    );
  }

  /** The exact bytes of a manifest; undefined on 404. The digest is computed, never trusted. */
  async getManifest(repo: string, ref: string, access: Access = 'pull'): Promise<RawManifest | undefined> {
    return withRetry(`reading ${repo}:${ref}`, async () => {
      const res = await this.send(
        { method: 'GET', url: `/v2/${repo}/manifests/${ref}`, headers: { accept: MANIFEST_ACCEPT } },
        repo,
        access,
      );
      if (res.status === 404) {
        await drain(res);
        return undefined;
      }
      if (res.status !== 200) return this.fail(res, `read manifest ${repo}:${ref}`);
      const bytes = Buffer.from(await res.body.arrayBuffer());
      const digest = sha256Digest(bytes);
      if (ref.includes(':') && ref !== digest) {
        throw new TransientError(`manifest ${repo}@${ref} arrived with digest ${digest} (truncated?)`);
      }
      const declared = (JSON.parse(bytes.toString('utf8')) as { mediaType?: string }).mediaType;
      const mediaType = declared ?? header(res, 'content-type')?.split(';')[0] ?? '';
      return { mediaType, digest, bytes };
    });
  }

  async putManifest(repo: string, ref: string, manifest: RawManifest): Promise<void> {
    await withRetry(`writing ${repo}:${ref}`, async () => {
      const res = await this.send(
        {
          method: 'PUT',
          url: `/v2/${repo}/manifests/${ref}`,
          headers: { 'content-type': manifest.mediaType },
          body: manifest.bytes,
        },
        repo,
        'push',
      );
      if (res.status !== 201 && res.status !== 200) return this.fail(res, `write manifest ${repo}:${ref}`);
      await drain(res);
    });
  }

  async hasBlob(repo: string, digest: string): Promise<boolean> {
    return withRetry(`checking blob ${digest}`, async () => {
      const res = await this.send({ method: 'HEAD', url: `/v2/${repo}/blobs/${digest}` }, repo, 'push');
      await drain(res);
      if (res.status === 200) return true;
      if (res.status === 404) return false;
      return this.fail(res, `check blob ${repo}@${digest}`);
    });
  }

  /** Opens a blob for streaming, following redirects to storage without our Authorization. */
  async openBlob(repo: string, digest: string): Promise<HttpResponse> {
    let res = await this.send({ method: 'GET', url: `/v2/${repo}/blobs/${digest}` }, repo, 'pull');
    for (let hop = 0; res.status >= 300 && res.status < 400 && hop < MAX_REDIRECTS; hop++) {
      const location = header(res, 'location');
      await drain(res);
      if (!location) break;
      res = await this.http.request({ method: 'GET', url: new URL(location, this.base).toString() });
      if (isTransientStatus(res.status))
        throw new TransientError(`blob ${digest} redirect answered ${res.status}`);
    }
    if (res.status !== 200) return this.fail(res, `read blob ${repo}@${digest}`);
    return res;
  }

  async readBlobJson<T>(repo: string, digest: string): Promise<T> {
    return withRetry(`reading blob ${digest}`, async () => {
      const res = await this.openBlob(repo, digest);
      const bytes = Buffer.from(await res.body.arrayBuffer());
      if (sha256Digest(bytes) !== digest)
        throw new TransientError(`blob ${digest} arrived with another digest`);
      return JSON.parse(bytes.toString('utf8')) as T;
    });
  }

  /** One monolithic upload: POST for a session, then one PUT with the whole body. */
  async uploadBlob(repo: string, blob: Descriptor, body: Readable): Promise<void> {
    const start = await this.send({ method: 'POST', url: `/v2/${repo}/blobs/uploads/` }, repo, 'push');
    if (start.status !== 202) return this.fail(start, `start an upload of ${blob.digest} to ${repo}`);
    await drain(start);
    const location = header(start, 'location');
    if (!location)
      throw new HttpError(`Registry ${this.registry} started an upload to ${repo} without a Location.`);
    const url = withQuery(new URL(location, this.base).toString(), 'digest', blob.digest);
    const res = await this.send(
      {
        method: 'PUT',
        url,
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) },
        body,
      },
      repo,
      'push',
    );
    if (res.status !== 201) return this.fail(res, `upload blob ${blob.digest} to ${repo}`);
    await drain(res);
  }
}
