// Downloads against a real HTTP server on loopback: redirects, retries,
// streaming hash checks, and what is (not) left on disk.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { Http } from '../../../src/http.js';
import { downloadVerified, fetchText } from '../../../src/releases/download.js';

const BODY = Buffer.from('#!/bin/sh\necho hello\n'.repeat(5000));
const SHA = createHash('sha256').update(BODY).digest('hex');
let server: Server;
let origin: string;
let http: Http;
let hits: Record<string, number>;
let flaky = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? '';
    hits[url] = (hits[url] ?? 0) + 1;
    if (url === '/asset') return void res.writeHead(302, { location: '/cdn/asset' }).end();
    if (url === '/cdn/asset') return void res.writeHead(200).end(BODY);
    if (url === '/flaky' && flaky-- > 0) return void res.writeHead(503, { 'retry-after': '0' }).end();
    if (url === '/flaky') return void res.writeHead(200).end(BODY);
    if (url === '/sums') return void res.writeHead(200).end(`${SHA} *asset\n`);
    res.writeHead(404).end('Not Found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  http = new Http();
});
afterAll(async () => {
  await http.close();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  hits = {};
});

const src = (p: string) => ({ url: `${origin}${p}`, what: 'tool v1', hint: "Check 'tool-url'." });

test('follows the redirect, streams to disk, executable, when the hash matches', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dl-'));
  await downloadVerified(http, src('/asset'), path.join(dir, 'tool'), SHA);
  expect(readFileSync(path.join(dir, 'tool')).equals(BODY)).toBe(true);
  expect(statSync(path.join(dir, 'tool')).mode & 0o111).not.toBe(0);
  expect(readdirSync(dir)).toEqual(['tool']);
});

test('a hash mismatch leaves nothing on disk, is not retried, and names both hashes', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dl-'));
  const wrong = 'f'.repeat(64);
  await expect(downloadVerified(http, src('/asset'), path.join(dir, 'tool'), wrong)).rejects.toThrow(
    `Checksum mismatch for tool v1 from ${origin}/asset: sha256 is ${SHA}, the release's checksums say ${wrong}; nothing was installed. Check 'tool-url'.`,
  );
  expect(readdirSync(dir)).toEqual([]);
  expect(hits['/asset']).toBe(1);
});

test('503 is retried; 404 is not, and says where and what to fix', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dl-'));
  flaky = 2;
  await downloadVerified(http, src('/flaky'), path.join(dir, 'tool'), SHA);
  expect(hits['/flaky']).toBe(3);
  await expect(fetchText(http, src('/missing'))).rejects.toThrow(
    `Cannot download tool v1 from ${origin}/missing: HTTP 404. Check 'tool-url'.`,
  );
  expect(hits['/missing']).toBe(1);
  expect(existsSync(path.join(dir, 'tool.partial'))).toBe(false);
});

test('fetchText reads a checksums file', async () => {
  expect(await fetchText(http, src('/sums'))).toBe(`${SHA} *asset\n`);
});
