// One retry layer: a permanent failure costs a bounded number of requests,
// however deep the failing call sits (the upload's POST, its PUT, a chunk).
// A loopback HTTP server injects the faults; the client is the real one.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, expect, test } from 'vitest';
import { Http } from '../../../src/http.js';
import { withRetry } from '../../../src/retry.js';
import { RegistryClient } from '../../../src/registry/client.js';
import { uploadBlob } from '../../../src/registry/upload.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: Server[] = [];
const https: Http[] = [];

afterEach(async () => {
  await Promise.all(https.splice(0).map((h) => h.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function serve(handler: Handler): Promise<{ client: RegistryClient; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.method ?? '?');
    req.resume();
    req.on('end', () => handler(req, res));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const http = new Http();
  https.push(http);
  const { port } = server.address() as AddressInfo;
  return { client: new RegistryClient(http, `127.0.0.1:${port}`, { scheme: 'http' }), requests };
}

const unavailable = (res: ServerResponse) => res.writeHead(503).end('down');
const session = (res: ServerResponse) =>
  res.writeHead(202, { location: '/v2/app/blobs/uploads/s1', range: '0-0' }).end();

const HANDLERS: Record<string, Handler> = {
  'every request 503': (_req, res) => unavailable(res),
  'session opens, every PUT 503': (req, res) => {
    if (req.method === 'HEAD') res.writeHead(404).end();
    else if (req.method === 'POST') session(res);
    else unavailable(res);
  },
  'session opens, every chunk 503': (req, res) => {
    if (req.method === 'HEAD') res.writeHead(404).end();
    else if (req.method === 'POST') session(res);
    else if (req.method === 'GET')
      res.writeHead(204, { range: '0-0', location: '/v2/app/blobs/uploads/s1' }).end();
    else unavailable(res);
  },
};

const ATTEMPTS = 6;
const POLICY = { attempts: ATTEMPTS, baseMs: 1, capMs: 2 };

// Bound: every failure spends one attempt of the one budget, and one attempt is at most
// HEAD (asked on retries) + POST + PUT/PATCH + GET of the session: 4 requests. Before one
// layer, the POST alone was retried 5 times inside each of 10 upload attempts.
test.each([
  [1, 'every request 503', ATTEMPTS, false],
  [2, 'session opens, every PUT 503', 3 * ATTEMPTS, false],
  [3, 'session opens, every chunk 503', 4 * ATTEMPTS, true],
])('%i: %s costs at most %s requests', async (_n, name, bound, chunked) => {
  const { client, requests } = await serve(HANDLERS[name] as Handler);
  if (chunked) client.bodyLimit.tooLarge(256 * 1024, 'a test upload');
  const bytes = Buffer.alloc(600 * 1024, 7);
  const blob = {
    mediaType: 'application/octet-stream',
    digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
    size: bytes.length,
  };
  const open = () => Promise.resolve(Readable.from([bytes]));
  await expect(
    withRetry('the test upload', () => uploadBlob(client, 'app', blob, open), POLICY),
  ).rejects.toThrow(/^Gave up .* after 6 attempts: /);
  expect(requests.length).toBeGreaterThanOrEqual(ATTEMPTS);
  expect(requests.length).toBeLessThanOrEqual(bound);
});
