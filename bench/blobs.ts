// Blob files for the benchmarks: incompressible bytes from /dev/urandom, and
// the plainest possible upload of one (a POST, then curl -T streaming the file).
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { rmSync, writeFileSync } from 'node:fs';
import { OCI_INDEX, OCI_MANIFEST, pushManifest, sha256 } from '../support/images.js';
import type { TestRegistry } from '../support/registry.js';

const exec = promisify(execFile);
export const DEADLINE_MS = 300_000;

export interface BlobFile {
  file: string;
  digest: string;
  size: number;
  mediaType: string;
}

export async function makeBlob(dir: string, name: string, mb: number): Promise<BlobFile> {
  const file = path.join(dir, name);
  await exec('sh', ['-c', 'head -c "$1" /dev/urandom > "$2"', 'sh', String(mb * 1024 * 1024), file]);
  const { stdout } = await exec('sha256sum', [file]);
  return {
    file,
    digest: `sha256:${stdout.split(' ')[0]}`,
    size: mb * 1024 * 1024,
    mediaType: 'application/vnd.oci.image.layer.v1.tar',
  };
}

/** The POST of a monolithic upload; answers the arguments of curl's PUT, streamed from the file (-T). */
export async function curlPutArgs(registry: TestRegistry, repo: string, blob: BlobFile): Promise<string[]> {
  const { stdout } = await exec(
    'curl',
    ['-sS', '-f', '-D', '-', '-o', '/dev/null', '-X', 'POST', `${registry.url}/v2/${repo}/blobs/uploads/`],
    { timeout: DEADLINE_MS },
  );
  const location = /^location:\s*(\S+)/im.exec(stdout)?.[1];
  if (!location) throw new Error(`no Location in ${stdout}`);
  const url = new URL(location, registry.url);
  url.searchParams.set('digest', blob.digest);
  const type = 'content-type: application/octet-stream';
  return ['-sS', '-f', '-o', '/dev/null', '-H', type, '-T', blob.file, url.toString()];
}

/** One monolithic upload with curl, as plain as it gets. */
export async function curlUpload(registry: TestRegistry, repo: string, blob: BlobFile): Promise<void> {
  await exec('curl', await curlPutArgs(registry, repo, blob), { timeout: DEADLINE_MS });
}

/** An image config for one architecture, written to `dir/name`. */
export function configBlob(dir: string, name: string, architecture: string): BlobFile {
  const config = Buffer.from(
    JSON.stringify({ os: 'linux', architecture, rootfs: { type: 'layers', diff_ids: [] } }),
  );
  const file = path.join(dir, name);
  writeFileSync(file, config);
  return {
    file,
    digest: sha256(config),
    size: config.length,
    mediaType: 'application/vnd.oci.image.config.v1+json',
  };
}

/** An index `repo:1` of one image per architecture, each a config and one `mb` MB layer; the blob files. */
export async function seed(
  registry: TestRegistry,
  dir: string,
  repo: string,
  mb: number,
  architectures: readonly string[],
): Promise<BlobFile[]> {
  const blobs: BlobFile[] = [];
  const manifests = [];
  for (const arch of architectures) {
    const c = configBlob(dir, `${repo.replace('/', '-')}-${arch}.json`, arch);
    const l = await makeBlob(dir, `${repo.replace('/', '-')}-${arch}.bin`, mb);
    await Promise.all([c, l].map((b) => curlUpload(registry, repo, b)));
    blobs.push(c, l);
    const strip = ({ mediaType, digest, size }: BlobFile) => ({ mediaType, digest, size });
    const m = { schemaVersion: 2, mediaType: OCI_MANIFEST, config: strip(c), layers: [strip(l)] };
    const pushed = await pushManifest(
      { url: registry.url },
      repo,
      sha256(Buffer.from(JSON.stringify(m))),
      OCI_MANIFEST,
      m,
    );
    manifests.push({ ...pushed, platform: { os: 'linux', architecture: arch } });
    if (mb > 256) rmSync(l.file); // the registry has it; keep the disk free
  }
  await pushManifest({ url: registry.url }, repo, '1', OCI_INDEX, {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests,
  });
  return blobs;
}
