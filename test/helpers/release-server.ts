// A local stand-in for GitHub's release downloads, on 127.0.0.1: the buildx
// and distribution layouts, asset URLs answering 302 to an /objects/ URL as
// GitHub's CDN does, and a log of every request so tests can count downloads.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';

export const BUILDX_PATH = '/docker/buildx/releases/download';
export const DISTRIBUTION_PATH = '/distribution/distribution/releases/download';

export interface ReleaseServer {
  /** Base URL mirroring https://github.com/docker/buildx/releases/download. */
  buildxUrl: string;
  /** Base URL mirroring https://github.com/distribution/distribution/releases/download. */
  registryUrl: string;
  /** Every request path, in order. */
  requests: string[];
  /** Serve assets with one byte flipped (their checksums stay the release's). */
  corrupt: boolean;
  stop(): Promise<void>;
}

export interface Release {
  /** Directory under the base: "v0.13.1". */
  tag: string;
  /** Asset name -> file on disk. */
  assets: Record<string, string>;
  /** Checksum file name -> how to write it for the assets. */
  checksums: { file: string; format: 'list' | 'sidecar' };
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The files a release directory serves: assets plus checksum file(s), as the real release writes them. */
function releaseFiles(release: Release): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const lines: string[] = [];
  for (const [name, file] of Object.entries(release.assets)) {
    const bytes = readFileSync(file);
    files.set(name, bytes);
    if (release.checksums.format === 'sidecar')
      files.set(`${name}.sha256`, Buffer.from(`${sha256Hex(bytes)}  ${name}\n`));
    else lines.push(`${sha256Hex(bytes)} *${name}`);
  }
  if (release.checksums.format === 'list')
    files.set(release.checksums.file, Buffer.from(`${lines.join('\n')}\n`));
  return files;
}

export async function startReleaseServer(releases: {
  buildx?: Release[];
  registry?: Release[];
}): Promise<ReleaseServer> {
  const routes = new Map<string, Buffer>();
  const checksumFiles = new Set<string>();
  for (const [base, list] of [
    [BUILDX_PATH, releases.buildx ?? []],
    [DISTRIBUTION_PATH, releases.registry ?? []],
  ] as const) {
    for (const release of list)
      for (const [name, bytes] of releaseFiles(release)) {
        routes.set(`${base}/${release.tag}/${name}`, bytes);
        if (name === release.checksums.file || name.endsWith('.sha256'))
          checksumFiles.add(`/objects/${sha256Hex(Buffer.from(`${base}/${release.tag}/${name}`))}`);
      }
  }
  const objects = new Map<string, Buffer>();
  const state = { corrupt: false };
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(url);
    const asset = routes.get(url);
    if (asset) {
      const id = sha256Hex(Buffer.from(url));
      objects.set(`/objects/${id}`, asset);
      res.writeHead(302, { location: `/objects/${id}` }).end();
      return;
    }
    const object = objects.get(url);
    if (!object) return void res.writeHead(404).end('Not Found');
    const body = Buffer.from(object);
    if (state.corrupt && !checksumFiles.has(url))
      body[body.length >> 1] = (body[body.length >> 1] ?? 0) ^ 0xff;
    res
      .writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length })
      .end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return {
    buildxUrl: `${origin}${BUILDX_PATH}`,
    registryUrl: `${origin}${DISTRIBUTION_PATH}`,
    requests,
    get corrupt() {
      return state.corrupt;
    },
    set corrupt(v: boolean) {
      state.corrupt = v;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
