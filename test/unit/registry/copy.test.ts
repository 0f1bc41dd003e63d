// Copy planning: index children expanded before their index (the order
// manifests are written in), each blob copied once however many images share
// it, each manifest written once, and every blob before any manifest.
// The source is an in-memory ImageSource; the target records what it is asked,
// or (for the upload path) is the real client against a loopback registry.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, test } from 'vitest';
import { Http } from '../../../src/http.js';
import type { ImageSource } from '../../../src/oci/image-source.js';
import { isIndexType, OCI_INDEX, OCI_MANIFEST } from '../../../src/oci/media-types.js';
import type { Descriptor, RawManifest } from '../../../src/oci/types.js';
import { RegistryClient } from '../../../src/registry/client.js';
import { copyImages, newStats, type Sourced } from '../../../src/registry/copy.js';

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** digest -> readable name, for assertions. */
const names = new Map<string, string>();
const blobBytes = new Map<string, Buffer>();

function blob(name: string): Descriptor {
  const bytes = Buffer.from(`blob ${name} `.repeat(20));
  const digest = sha256(bytes);
  names.set(digest, name);
  blobBytes.set(digest, bytes);
  return { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest, size: bytes.length };
}

function raw(name: string, mediaType: string, doc: object): RawManifest {
  const bytes = Buffer.from(JSON.stringify(doc));
  const digest = sha256(bytes);
  names.set(digest, name);
  return { mediaType, digest, bytes };
}

const image = (name: string, config: Descriptor, layers: Descriptor[]) =>
  raw(name, OCI_MANIFEST, { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers });

const index = (name: string, children: RawManifest[]) =>
  raw(name, OCI_INDEX, {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: children.map((c) => ({ mediaType: c.mediaType, digest: c.digest, size: c.bytes.length })),
  });

const base = blob('base');
const A = image('A', blob('cfgA'), [base, blob('a1')]);
const B = image('B', blob('cfgB'), [base, blob('b1')]);
const C = image('C', blob('cfgC'), [blob('c1'), base]);
const sub = index('sub', [B, C]);
const top = index('top', [A, sub]);
const AB = index('AB', [A, B]);
const ALL: Record<string, RawManifest> = { A, B, C, sub, top, AB };

class MemorySource implements ImageSource {
  readonly registry = 'source.test';
  readonly manifests = new Map<string, RawManifest>();
  readonly blobs = new Map(blobBytes);

  constructor(manifests: RawManifest[]) {
    for (const m of manifests) this.manifests.set(m.digest, m);
  }

  getManifest(_repository: string, ref: string): Promise<RawManifest | undefined> {
    return Promise.resolve(this.manifests.get(ref));
  }

  streamBlob(_repository: string, d: Descriptor): Promise<Readable> {
    const bytes = this.blobs.get(d.digest);
    if (!bytes) return Promise.reject(new Error(`no blob ${d.digest}`));
    return Promise.resolve(Readable.from([bytes]));
  }

  readBlobJson<T>(_repository: string, digest: string): Promise<T> {
    return Promise.resolve(JSON.parse((this.blobs.get(digest) ?? Buffer.from('null')).toString()) as T);
  }
}

/** A target that already has every blob, and writes down what it is asked. */
class RecordingTarget extends RegistryClient {
  readonly calls: string[] = [];
  readonly written = new Map<string, Buffer>();

  constructor() {
    super(new Http(), 'target.test');
  }

  override hasBlob(repo: string, digest: string): Promise<boolean> {
    this.calls.push(`hasBlob ${repo} ${names.get(digest) ?? digest}`);
    return Promise.resolve(true);
  }

  override putManifest(repo: string, ref: string, manifest: RawManifest): Promise<string | undefined> {
    this.calls.push(`putManifest ${repo} ${names.get(ref) ?? ref}`);
    this.written.set(ref, manifest.bytes);
    return Promise.resolve(undefined);
  }
}

const source = new MemorySource(Object.values(ALL));
const sourced = (...items: string[]): Sourced[] =>
  items.map((n) => ({ from: { client: source, repository: 'src' }, raw: ALL[n] as RawManifest }));

describe('copyImages: what is written, in which order', () => {
  test.each([
    [1, ['A'], ['A'], ['cfgA', 'base', 'a1']],
    [2, ['A', 'B'], ['A', 'B'], ['cfgA', 'base', 'a1', 'cfgB', 'b1']],
    [3, ['sub'], ['B', 'C', 'sub'], ['cfgB', 'base', 'b1', 'cfgC', 'c1']],
    [4, ['top'], ['A', 'B', 'C', 'sub', 'top'], ['cfgA', 'base', 'a1', 'cfgB', 'b1', 'cfgC', 'c1']],
    [5, ['A', 'top'], ['A', 'B', 'C', 'sub', 'top'], ['cfgA', 'base', 'a1', 'cfgB', 'b1', 'cfgC', 'c1']],
    [6, ['top', 'A'], ['A', 'B', 'C', 'sub', 'top'], ['cfgA', 'base', 'a1', 'cfgB', 'b1', 'cfgC', 'c1']],
    [
      7,
      ['AB', 'top'],
      ['A', 'B', 'AB', 'C', 'sub', 'top'],
      ['cfgA', 'base', 'a1', 'cfgB', 'b1', 'cfgC', 'c1'],
    ],
    [8, ['sub', 'AB'], ['B', 'C', 'sub', 'A', 'AB'], ['cfgB', 'base', 'b1', 'cfgC', 'c1', 'cfgA', 'a1']],
    [9, ['B', 'B'], ['B'], ['cfgB', 'base', 'b1']],
  ])('%i: copying %j writes %j', async (_n, items, manifests, blobs) => {
    const target = new RecordingTarget();
    const stats = newStats();
    await copyImages(sourced(...items), { client: target, repository: 'dst' }, stats);

    const puts = target.calls.filter((c) => c.startsWith('putManifest'));
    const checks = target.calls.filter((c) => c.startsWith('hasBlob'));
    // Each manifest once, byte for byte: the images side by side (any order), then the indexes,
    // children before their parents.
    const images = manifests.filter((m) => !isIndexType((ALL[m] as RawManifest).mediaType));
    const indexes = manifests.filter((m) => isIndexType((ALL[m] as RawManifest).mediaType));
    expect(puts.slice(0, images.length).sort()).toEqual(images.map((m) => `putManifest dst ${m}`).sort());
    expect(puts.slice(images.length)).toEqual(indexes.map((m) => `putManifest dst ${m}`));
    for (const m of manifests) {
      const manifest = ALL[m] as RawManifest;
      expect(target.written.get(manifest.digest)?.equals(manifest.bytes)).toBe(true);
    }
    // Every blob of every image exactly once (the pool runs them concurrently: any order).
    expect([...checks].sort()).toEqual(blobs.map((b) => `hasBlob dst ${b}`).sort());
    // Every blob before any manifest.
    expect(target.calls.slice(0, checks.length)).toEqual(checks);
    expect(stats).toEqual({
      blobsUploaded: 0,
      blobsMounted: 0,
      blobsSkipped: blobs.length,
      bytesUploaded: 0,
      blobsInterrupted: 0,
    });
  });

  test('the largest blobs start first, so no layer waits behind configs for a slot', async () => {
    const sized = (name: string, size: number): Descriptor => ({ ...blob(name), size });
    const images = ['x', 'y', 'z'].map((p) =>
      image(`image-${p}`, sized(`cfg-${p}`, 500), [sized(`layer-${p}`, 256 * 2 ** 20)]),
    );
    const platforms = index('platforms', images);
    const memory = new MemorySource([platforms, ...images]);
    const target = new RecordingTarget();
    const items: Sourced[] = [{ from: { client: memory, repository: 'src' }, raw: platforms }];
    await copyImages(items, { client: target, repository: 'dst' }, newStats());
    const checks = target.calls.filter((c) => c.startsWith('hasBlob')).map((c) => c.split(' ')[2]);
    // Equal sizes keep the index's order.
    expect(checks).toEqual(['layer-x', 'layer-y', 'layer-z', 'cfg-x', 'cfg-y', 'cfg-z']);
  });

  test('small blobs have a lane of their own: configs do not wait while large layers hold every slot', async () => {
    const sized = (name: string, size: number): Descriptor => ({ ...blob(name), size });
    const images = ['p', 'q', 'r', 's', 't', 'u'].map((p) =>
      image(`image-${p}`, sized(`cfg-${p}`, 500), [sized(`layer-${p}`, 64 * 2 ** 20)]),
    );
    const platforms = index('six', images);
    const memory = new MemorySource([platforms, ...images]);
    // The large layers' checks answer only once every config was checked (or after 1 s, so a
    // scheduler that makes the configs wait for a slot ends and fails on the order).
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const timer = setTimeout(open, 1000);
    let configs = 0;
    class GatedTarget extends RecordingTarget {
      override async hasBlob(repo: string, digest: string): Promise<boolean> {
        const answer = await super.hasBlob(repo, digest);
        if (names.get(digest)?.startsWith('layer-')) await gate;
        else if (++configs === images.length) open();
        return answer;
      }
    }
    const target = new GatedTarget();
    try {
      await copyImages(
        [{ from: { client: memory, repository: 'src' }, raw: platforms }],
        { client: target, repository: 'dst' },
        newStats(),
      );
    } finally {
      clearTimeout(timer);
    }
    const checks = target.calls.filter((c) => c.startsWith('hasBlob')).map((c) => c.split(' ')[2]);
    expect(checks).toEqual([
      ...['layer-p', 'layer-q', 'layer-r', 'layer-s'],
      ...['cfg-p', 'cfg-q', 'cfg-r', 'cfg-s', 'cfg-t', 'cfg-u'],
      ...['layer-t', 'layer-u'],
    ]);
  });

  test('1: an index listing a manifest the source lacks fails before anything is written', async () => {
    const lacking = new MemorySource([top, A, sub, C]); // no B
    const target = new RecordingTarget();
    const items: Sourced[] = [{ from: { client: lacking, repository: 'src' }, raw: top }];
    await expect(copyImages(items, { client: target, repository: 'dst' }, newStats())).rejects.toThrow(
      `Cannot copy index ${sub.digest} from source.test/src: it lists ${B.digest}, which that registry does not have.`,
    );
    expect(target.calls).toEqual([]);
  });
});

// The upload path: the real client, a loopback registry that keeps what it is sent.
const servers: Server[] = [];
const https: Http[] = [];
afterEach(async () => {
  await Promise.all(https.splice(0).map((h) => h.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function loopbackRegistry(present: string[]) {
  const blobs = new Map<string, Buffer>(present.map((d) => [d, blobBytes.get(d) as Buffer]));
  const requests: string[] = [];
  let sessions = 0;
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = Buffer.concat(parts);
      const blobAt = /^\/v2\/dst\/blobs\/(sha256:[0-9a-f]+)$/.exec(url.pathname);
      const manifestAt = /^\/v2\/dst\/manifests\/(.+)$/.exec(url.pathname);
      if (req.method === 'HEAD' && blobAt) {
        requests.push(`HEAD ${names.get(blobAt[1] ?? '')}`);
        res.writeHead(blobs.has(blobAt[1] ?? '') ? 200 : 404).end();
      } else if (req.method === 'POST' && url.pathname === '/v2/dst/blobs/uploads/') {
        res.writeHead(202, { location: `/v2/dst/blobs/uploads/s${++sessions}`, range: '0-0' }).end();
      } else if (req.method === 'PUT' && url.pathname.startsWith('/v2/dst/blobs/uploads/')) {
        const digest = url.searchParams.get('digest') ?? '';
        requests.push(`PUT blob ${names.get(digest)}`);
        if (sha256(body) !== digest) return res.writeHead(400).end('digest mismatch');
        blobs.set(digest, body);
        res.writeHead(201).end();
      } else if (req.method === 'PUT' && manifestAt) {
        requests.push(`PUT manifest ${names.get(manifestAt[1] ?? '')}`);
        res.writeHead(201).end();
      } else res.writeHead(404).end();
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const http = new Http();
  https.push(http);
  const { port } = server.address() as AddressInfo;
  return { client: new RegistryClient(http, `127.0.0.1:${port}`, { scheme: 'http' }), requests, blobs };
}

describe('copyImages: uploading what the target lacks', () => {
  test.each([
    [1, [] as string[]],
    [2, ['base']],
    [3, ['base', 'cfgC']],
  ])(
    '%i: with %j already there, every other blob is uploaded once, before any manifest',
    async (_n, presentNames) => {
      const digestOf = (name: string) => [...names].find(([, v]) => v === name)?.[0] ?? '';
      const present = presentNames.map(digestOf);
      const { client, requests, blobs } = await loopbackRegistry(present);
      const stats = newStats();
      await copyImages(sourced('top', 'B'), { client, repository: 'dst' }, stats);

      const all = ['cfgA', 'base', 'a1', 'cfgB', 'b1', 'cfgC', 'c1'];
      const missing = all.filter((n) => !present.some((d) => names.get(d) === n));
      const uploads = requests.filter((r) => r.startsWith('PUT blob'));
      expect([...uploads].sort()).toEqual(missing.map((n) => `PUT blob ${n}`).sort());
      expect(requests.filter((r) => r.startsWith('HEAD')).sort()).toEqual(all.map((n) => `HEAD ${n}`).sort());
      const manifests = requests.filter((r) => r.startsWith('PUT manifest'));
      // The images side by side (any order), then the indexes, children first.
      expect(manifests.slice(0, 3).sort()).toEqual(['A', 'B', 'C'].map((m) => `PUT manifest ${m}`));
      expect(manifests.slice(3)).toEqual(['sub', 'top'].map((m) => `PUT manifest ${m}`));
      expect(requests.slice(-manifests.length)).toEqual(manifests);
      for (const [digest, bytes] of blobs) expect(bytes.equals(blobBytes.get(digest) as Buffer)).toBe(true);
      expect(blobs.size).toBe(all.length);
      const uploadedBytes = missing.reduce((n, name) => n + (blobBytes.get(digestOf(name))?.length ?? 0), 0);
      expect(stats).toEqual({
        blobsUploaded: missing.length,
        blobsMounted: 0,
        blobsSkipped: present.length,
        bytesUploaded: uploadedBytes,
        blobsInterrupted: 0,
      });
    },
  );
});
