// Test images pushed straight to a registry, independent of the action's
// client: random bytes as layers, a config JSON with os/architecture, image
// manifests (OCI or Docker schema 2), indexes, and buildx-style attestation
// manifests. Answers Basic and Bearer challenges; trusts a test CA.
import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Agent, request } from 'undici';

export interface Endpoint {
  /** http(s)://host:port */
  url: string;
  ca?: string;
  user?: string;
  password?: string;
}

export interface Pushed {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
}

/** The platforms of index entries as os/architecture[/variant], sorted. */
export function platformsOf(manifests: readonly Pushed[]): string[] {
  return manifests
    .map((m) => [m.platform?.os, m.platform?.architecture, m.platform?.variant].filter(Boolean).join('/'))
    .sort();
}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

export function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

async function authorize(ep: Endpoint, challenge: string, dispatcher: Agent): Promise<string | undefined> {
  const basic = `Basic ${Buffer.from(`${ep.user ?? ''}:${ep.password ?? ''}`).toString('base64')}`;
  if (/^basic/i.test(challenge)) return basic;
  const params: Record<string, string> = {};
  for (const m of challenge.matchAll(/(\w+)="([^"]*)"/g)) params[m[1] ?? ''] = m[2] ?? '';
  const url = new URL(params.realm ?? '');
  if (params.service) url.searchParams.set('service', params.service);
  if (params.scope) url.searchParams.set('scope', params.scope);
  const res = await request(url, { headers: ep.user ? { authorization: basic } : {}, dispatcher });
  const body = (await res.body.json()) as { token?: string };
  return body.token && `Bearer ${body.token}`;
}

async function call(
  ep: Endpoint,
  method: 'GET' | 'HEAD' | 'POST' | 'PUT',
  path: string,
  headers: Record<string, string> = {},
  body?: Buffer,
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  const dispatcher = new Agent({ connect: ep.ca ? { ca: ep.ca } : {} });
  try {
    let auth: string | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      const url = new URL(path, ep.url);
      const res = await request(url, {
        method,
        headers: { ...headers, ...(auth && { authorization: auth }) },
        body,
        dispatcher,
      });
      const bytes = Buffer.from(await res.body.arrayBuffer());
      if (res.statusCode === 401 && attempt === 0) {
        auth = await authorize(ep, String(res.headers['www-authenticate'] ?? ''), dispatcher);
        continue;
      }
      return { status: res.statusCode, headers: res.headers, body: bytes };
    }
    throw new Error(`${method} ${path}: unauthorized twice`);
  } finally {
    await dispatcher.close();
  }
}

export async function pushBlob(
  ep: Endpoint,
  repo: string,
  bytes: Buffer,
  mediaType: string,
): Promise<Pushed> {
  const digest = sha256(bytes);
  const start = await call(ep, 'POST', `/v2/${repo}/blobs/uploads/`);
  if (start.status !== 202)
    throw new Error(`POST upload to ${repo}: ${start.status} ${start.body.toString()}`);
  const location = String(start.headers.location);
  const url = `${location}${location.includes('?') ? '&' : '?'}digest=${encodeURIComponent(digest)}`;
  const put = await call(ep, 'PUT', url, { 'content-type': 'application/octet-stream' }, bytes);
  if (put.status !== 201) throw new Error(`PUT blob to ${repo}: ${put.status} ${put.body.toString()}`);
  return { mediaType, digest, size: bytes.length };
}

export async function pushManifest(
  ep: Endpoint,
  repo: string,
  ref: string,
  mediaType: string,
  manifest: object,
): Promise<Pushed> {
  const bytes = Buffer.from(JSON.stringify(manifest));
  const res = await call(ep, 'PUT', `/v2/${repo}/manifests/${ref}`, { 'content-type': mediaType }, bytes);
  if (res.status !== 201)
    throw new Error(`PUT manifest ${repo}:${ref}: ${res.status} ${res.body.toString()}`);
  return { mediaType, digest: sha256(bytes), size: bytes.length };
}

export interface ImageSpec {
  platform: string;
  layerBytes?: number;
  format?: 'oci' | 'docker';
  /** A real gzip layer (tar+gzip): tools that compress uncompressed layers (skopeo) then keep the digests. */
  gzip?: boolean;
}

/** An image whose config says its platform, with one random layer; tagged `tag` when given. */
export async function pushImage(ep: Endpoint, repo: string, spec: ImageSpec, tag?: string): Promise<Pushed> {
  const [os = 'linux', architecture = 'amd64', variant] = spec.platform.split('/');
  const docker = spec.format === 'docker';
  const config = { os, architecture, ...(variant && { variant }), rootfs: { type: 'layers', diff_ids: [] } };
  const configType = docker
    ? 'application/vnd.docker.container.image.v1+json'
    : 'application/vnd.oci.image.config.v1+json';
  const layerType = docker
    ? 'application/vnd.docker.image.rootfs.diff.tar.gzip'
    : `application/vnd.oci.image.layer.v1.tar${spec.gzip ? '+gzip' : ''}`;
  const c = await pushBlob(ep, repo, Buffer.from(JSON.stringify(config)), configType);
  const layer = randomBytes(spec.layerBytes ?? 64 * 1024);
  const l = await pushBlob(ep, repo, spec.gzip ? gzipSync(layer) : layer, layerType);
  const mediaType = docker ? DOCKER_MANIFEST : OCI_MANIFEST;
  const manifest = { schemaVersion: 2, mediaType, config: c, layers: [l] };
  const pushed = await pushManifest(
    ep,
    repo,
    tag ?? sha256(Buffer.from(JSON.stringify(manifest))),
    mediaType,
    manifest,
  );
  return { ...pushed, platform: { os, architecture, ...(variant && { variant }) } };
}

/** A buildx-style attestation manifest (unknown/unknown) describing `image`. */
export async function pushAttestation(ep: Endpoint, repo: string, image: Pushed): Promise<Pushed> {
  const c = await pushBlob(
    ep,
    repo,
    Buffer.from('{"architecture":"unknown","os":"unknown","config":{}}'),
    'application/vnd.oci.image.config.v1+json',
  );
  const statement = {
    _type: 'https://in-toto.io/Statement/v0.1',
    subject: [{ digest: { sha256: image.digest.slice(7) } }],
  };
  const l = await pushBlob(ep, repo, Buffer.from(JSON.stringify(statement)), 'application/vnd.in-toto+json');
  const manifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, config: c, layers: [l] };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const pushed = await pushManifest(ep, repo, sha256(bytes), OCI_MANIFEST, manifest);
  return {
    ...pushed,
    platform: { os: 'unknown', architecture: 'unknown' },
    annotations: {
      'vnd.docker.reference.type': 'attestation-manifest',
      'vnd.docker.reference.digest': image.digest,
    },
  };
}

export async function pushIndex(
  ep: Endpoint,
  repo: string,
  tag: string,
  manifests: Pushed[],
): Promise<Pushed> {
  return pushManifest(ep, repo, tag, OCI_INDEX, { schemaVersion: 2, mediaType: OCI_INDEX, manifests });
}

/** The exact bytes a registry serves for a reference, with the list types accepted. */
export async function readManifest(ep: Endpoint, repo: string, ref: string): Promise<Buffer> {
  const accept = [
    OCI_INDEX,
    'application/vnd.docker.distribution.manifest.list.v2+json',
    OCI_MANIFEST,
    DOCKER_MANIFEST,
  ];
  const res = await call(ep, 'GET', `/v2/${repo}/manifests/${ref}`, { accept: accept.join(', ') });
  if (res.status !== 200) throw new Error(`GET manifest ${repo}:${ref}: ${res.status}`);
  return res.body;
}
