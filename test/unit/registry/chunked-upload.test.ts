import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, test } from 'vitest';
import { Http } from '../../../src/http.js';
import { chunksOf, heldBytes } from '../../../src/registry/chunked-upload.js';
import { RegistryClient } from '../../../src/registry/client.js';
import { uploadBlob } from '../../../src/registry/upload.js';

const MiB = 1024 * 1024;

async function sizes(pieces: number[], size: number): Promise<{ sizes: number[]; same: boolean }> {
  const input = pieces.map((n, i) => Buffer.alloc(n, i + 1));
  const out: Buffer[] = [];
  for await (const chunk of chunksOf(Readable.from(input), size)) out.push(chunk);
  return { sizes: out.map((b) => b.length), same: Buffer.concat(out).equals(Buffer.concat(input)) };
}

describe('chunked uploads', () => {
  test.each([
    [1, [10], 4, [4, 4, 2]],
    [2, [3, 3, 3], 4, [4, 4, 1]],
    [3, [8], 4, [4, 4]],
    [4, [1, 1, 1, 1], 4, [4]],
    [5, [], 4, []],
    [6, [2, 9, 1], 5, [5, 5, 2]],
    [7, [1, 12, 1], 4, [4, 4, 4, 2]],
    [8, [0, 5, 0], 5, [5]],
    [9, [0, 0], 4, []],
    [10, [3, 2, 3, 2], 5, [5, 5]],
    [11, [7], 1, [1, 1, 1, 1, 1, 1, 1]],
    [12, [3], 8, [3]],
  ])('%i: pieces %j in chunks of %i -> %j, bytes unchanged', async (_n, pieces, size, expected) => {
    expect(await sizes(pieces, size)).toEqual({ sizes: expected, same: true });
  });
});

test.each([
  [1, [4, 1], 4],
  [2, [2, 2, 3], 4],
  [3, [9], 3],
])(
  '%i: pieces %j in chunks of %i: a chunk comes out as soon as it is whole, before the next read',
  async (_n, pieces, size) => {
    const log: string[] = [];
    async function* source() {
      for (const n of pieces) {
        await Promise.resolve(); // a real async source: each read is its own turn
        log.push(`read ${n}`);
        yield Buffer.alloc(n);
      }
      log.push('end');
    }
    for await (const chunk of chunksOf(source(), size)) log.push(`chunk ${chunk.length}`);
    // Replay: after each read, every whole chunk the bytes so far make must already be out.
    let held = 0;
    const expected: string[] = [];
    for (const n of pieces) {
      expected.push(`read ${n}`);
      held += n;
      while (held >= size) {
        expected.push(`chunk ${size}`);
        held -= size;
      }
    }
    expected.push('end');
    if (held > 0) expected.push(`chunk ${held}`);
    expect(log).toEqual(expected);
  },
);

describe('the bytes an upload session holds, from its Range header', () => {
  test.each([
    [1, '0-1048575', 1048576, 1048576],
    [2, '0-1048575', 0, 1048576],
    [3, '0-0', 0, 0],
    [4, '0-0', 1, 1],
    [5, undefined, 0, 0],
    [6, undefined, 512, undefined],
    [7, 'bytes=0-99', 100, 100],
    [8, '5-99', 100, undefined],
    [9, 'garbage', 0, undefined],
    [10, ' 0-99 ', 100, 100],
    [11, 'bytes=0-0', 0, 0],
    [12, '0-0', 5, 1],
    [13, '0-', 0, undefined],
    [14, '0-1a', 0, undefined],
    [15, '0-99,200-299', 100, undefined],
    [16, '0-4194303', 4194304, 4194304],
    [17, '0-99', 50, 100],
  ])('%i: Range %j while expecting %i -> %j', (_n, range, expected, held) => {
    expect(heldBytes(range, expected)).toBe(held);
  });
});

// The state machine end to end: the real client against a loopback registry
// that answers 413 to any body over `maxBody` bytes. One body -> chunks of
// 8 MiB -> chunks a quarter the size, down to what the registry takes.
const servers: Server[] = [];
const https: Http[] = [];
afterEach(async () => {
  await Promise.all(https.splice(0).map((h) => h.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function limitedRegistry(maxBody: number) {
  const bodies: string[] = [];
  const sessions = new Map<string, Buffer>();
  let stored: Buffer | undefined;
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'HEAD') return res.writeHead(404).end();
      if (req.method === 'POST') {
        const id = `s${sessions.size + 1}`;
        sessions.set(id, Buffer.alloc(0));
        return res.writeHead(202, { location: `/v2/app/blobs/uploads/${id}`, range: '0-0' }).end();
      }
      const id = url.pathname.split('/').pop() ?? '';
      bodies.push(`${req.method} ${body.length}`);
      if (body.length > maxBody) return res.writeHead(413).end('too large');
      const held = Buffer.concat([sessions.get(id) ?? Buffer.alloc(0), body]);
      sessions.set(id, held);
      if (req.method === 'PATCH')
        return res.writeHead(202, { location: url.pathname, range: `0-${held.length - 1}` }).end();
      stored = held;
      res.writeHead(201).end();
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const http = new Http();
  https.push(http);
  const { port } = server.address() as AddressInfo;
  const client = new RegistryClient(http, `127.0.0.1:${port}`, { scheme: 'http' });
  return { client, bodies, stored: () => stored };
}

describe('uploads that meet a body limit', () => {
  const KiB = 1024;
  test.each([
    [1, 64 * MiB, 2 * MiB + 5, ['PUT 2097157'], undefined],
    [2, 3 * MiB, 4 * MiB, ['PUT 4194304', 'PUT 4194304', 'PATCH 2097152', 'PUT 2097152'], 2 * MiB],
    [
      3,
      300 * KiB,
      MiB + 5,
      [
        'PUT 1048581',
        'PUT 1048581',
        'PUT 1048581',
        'PATCH 524288',
        'PATCH 262144',
        'PATCH 262144',
        'PATCH 262144',
        'PATCH 262144',
        'PUT 5',
      ],
      256 * KiB,
    ],
  ])(
    '%i: a registry taking %i bytes, a %i-byte blob: bodies %j, then chunks of %j',
    async (_n, max, size, bodies, chunk) => {
      const { client, bodies: seen, stored } = await limitedRegistry(max);
      const bytes = Buffer.alloc(size);
      for (let i = 0; i < size; i++) bytes[i] = i % 251;
      const blob = {
        mediaType: 'application/octet-stream',
        digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
        size,
      };
      expect(await uploadBlob(client, 'app', blob, () => Promise.resolve(Readable.from([bytes])))).toBe(
        'uploaded',
      );
      expect(seen).toEqual(bodies);
      expect(client.bodyLimit.chunkSize).toBe(chunk);
      expect(stored()?.equals(bytes)).toBe(true);
    },
  );
});
