// A large blob's raw PUT goes over a connection opened while its POST was
// still waiting for the registry's answer; a mount or a chunked upload opens
// none. A loopback HTTP server notes which connection each request came on.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { FileSource } from '../../../src/blob-path/blob-pump.js';
import { Http } from '../../../src/http.js';
import { RegistryClient } from '../../../src/registry/client.js';
import { uploadBlob } from '../../../src/registry/upload.js';

/** One request as the server saw it: on which connection, and when that connection was accepted. */
interface Seen {
  method: string;
  connection: number;
  acceptedAt: number;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const POST_DELAY_MS = 150;

/** A registry whose POST answers after POST_DELAY_MS; `mount` makes a mount succeed. */
async function registry(mount: boolean) {
  const seen: Seen[] = [];
  const accepted = new Map<Socket, { id: number; at: number }>();
  let postAnsweredAt = 0;
  const server: Server = createServer((req, res) => {
    const conn = accepted.get(req.socket) ?? { id: -1, at: 0 };
    seen.push({ method: req.method ?? '?', connection: conn.id, acceptedAt: conn.at });
    req.resume();
    req.on('end', () => {
      if (req.method === 'HEAD') res.writeHead(404).end();
      else if (req.method === 'POST' && mount && req.url?.includes('mount=')) {
        postAnsweredAt = performance.now();
        res.writeHead(201).end();
      } else if (req.method === 'POST')
        setTimeout(() => {
          postAnsweredAt = performance.now();
          res.writeHead(202, { location: '/v2/app/blobs/uploads/s1' }).end();
        }, POST_DELAY_MS);
      else res.writeHead(201).end();
    });
  });
  server.on('connection', (s: Socket) => accepted.set(s, { id: accepted.size, at: performance.now() }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const http = new Http();
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  cleanups.push(() => http.close());
  const { port } = server.address() as AddressInfo;
  const client = new RegistryClient(http, `127.0.0.1:${port}`, { scheme: 'http' });
  const connections = () => accepted.size;
  /** The connections accepted before the POST was answered. */
  const before = () => [...accepted.values()].filter((c) => c.at < postAnsweredAt).map((c) => c.id);
  return { client, seen, postAnsweredAt: () => postAnsweredAt, connections, before };
}

/** A blob file of `bytes` and how to open it as the lean source a copy uses. */
function blobFile(bytes: number) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'warm-upload-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const data = Buffer.alloc(bytes, 7);
  const file = path.join(dir, 'blob');
  writeFileSync(file, data);
  const blob = {
    mediaType: 'application/octet-stream',
    digest: `sha256:${createHash('sha256').update(data).digest('hex')}`,
    size: bytes,
  };
  const open = async () => {
    const source = await FileSource.open(file, bytes);
    if (typeof source === 'string') throw new Error(source);
    return source;
  };
  return { blob, open };
}

test('the PUT goes over a connection accepted before the POST was answered', async () => {
  const r = await registry(false);
  const { blob, open } = blobFile(2 * 1024 * 1024);
  expect(await uploadBlob(r.client, 'app', blob, open)).toBe('uploaded');
  const post = r.seen.find((s) => s.method === 'POST');
  const put = r.seen.find((s) => s.method === 'PUT');
  expect(put?.connection).not.toBe(post?.connection);
  expect(put?.acceptedAt).toBeLessThan(r.postAnsweredAt());
  expect(r.connections()).toBe(2);
});

test.each([
  [1, 'a blob under 1 MiB (undici sends it)', 512 * 1024, false, false],
  [2, 'a mount', 2 * 1024 * 1024, true, false],
  [3, 'a chunked upload', 2 * 1024 * 1024, false, true],
])('%i: %s opens no connection ahead', async (_n, _name, bytes, mount, chunked) => {
  const r = await registry(mount);
  if (chunked) r.client.bodyLimit.tooLarge(4 * 1024 * 1024, 'a test upload');
  const { blob, open } = blobFile(bytes);
  expect(await uploadBlob(r.client, 'app', blob, open, mount ? 'other' : undefined)).toBe(
    mount ? 'mounted' : 'uploaded',
  );
  const post = r.seen.find((s) => s.method === 'POST');
  expect(r.before()).toEqual([post?.connection]);
});
