// A manifest PUT refused as DIGEST_INVALID is tried again a few times: the
// bytes are their digest's, so the refusal is the registry's (distribution
// 2.x reading a blob's link file while another push rewrites it). A loopback
// server answers the PUTs; the client is the real one.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { Http } from '../../../src/http.js';
import { RegistryClient } from '../../../src/registry/client.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const DIGEST_INVALID = JSON.stringify({
  errors: [{ code: 'DIGEST_INVALID', message: 'provided digest did not match uploaded content' }],
});

/** A registry refusing the first `refusals` manifest PUTs with `status` and `body`; counts the PUTs. */
async function registry(refusals: number, status = 400, body = DIGEST_INVALID) {
  let puts = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      puts++;
      if (puts <= refusals) res.writeHead(status, { 'content-type': 'application/json' }).end(body);
      else res.writeHead(201, { 'docker-content-digest': 'x' }).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const http = new Http();
  cleanups.push(() => http.close());
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  const { port } = server.address() as AddressInfo;
  const retry = { attempts: 5, baseMs: 1, capMs: 2 };
  const client = new RegistryClient(http, `127.0.0.1:${port}`, { scheme: 'http', retry });
  return { client, puts: () => puts };
}

const bytes = Buffer.from('{"schemaVersion":2}');
const manifest = {
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
  bytes,
};

test.each([
  [1, 'refused once', 1, 2],
  [2, 'refused twice', 2, 3],
])('%i: DIGEST_INVALID %s, then written', async (_n, _name, refusals, puts) => {
  const r = await registry(refusals);
  await r.client.putManifest('app', manifest.digest, manifest);
  expect(r.puts()).toBe(puts);
});

test('3: refused every time: three tries, then the registry’s own words', async () => {
  const r = await registry(100);
  await expect(r.client.putManifest('app', manifest.digest, manifest)).rejects.toThrow(
    /write manifest app:sha256:[a-f0-9]{64}.*400.*DIGEST_INVALID/,
  );
  expect(r.puts()).toBe(3);
});

test('4: another 400 is not tried again', async () => {
  const body = JSON.stringify({ errors: [{ code: 'MANIFEST_INVALID', message: 'manifest invalid' }] });
  const r = await registry(100, 400, body);
  await expect(r.client.putManifest('app', 'v1', manifest)).rejects.toThrow(/MANIFEST_INVALID/);
  expect(r.puts()).toBe(1);
});
