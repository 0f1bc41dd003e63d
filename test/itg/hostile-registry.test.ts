// Registries that lie, as small real servers on loopback in front of (or in
// place of) real distribution registries: an upload Location that names
// another port or plain http, a token realm on plain http, manifests of
// 256 MB, digests that are paths, platforms and error texts that carry
// workflow commands. dist/ runs as the runner runs it; each test checks what
// the hostile side saw and that nothing reached the target.
import { readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { errorsOf, leaks, runAction } from '../../support/action-runner.js';
import { pushImage } from '../../support/images.js';
import { catalog, startRegistry, type TestRegistry } from '../../support/registry.js';
import { startLocationRewriter, startTrap } from '../helpers/hostile-servers.js';
import { listenOnLoopback, type Listening } from '../helpers/loopback-server.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';
import { makeCa, makeSigningCert, type TestCa } from '../helpers/tls.js';
import { startTokenServer, type TokenServer } from '../helpers/token-server.js';

const skip = skipWithoutPrereqs();
const user = 'ci-bot';
const password = `pw-${Date.now().toString(36)}-hostile`;

type Route = (url: string, res: import('node:http').ServerResponse) => boolean;

/** A source "registry" that answers /v2/ and then whatever `route` says: floods, bad digests, lies. */
async function startLiar(route: Route): Promise<Listening> {
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/v2/' || url === '/v2') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
      return;
    }
    if (!route(url, res)) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"unknown"}]}');
    }
  });
  return listenOnLoopback(server);
}

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

/** Peak resident memory of the action's main, in MB: a preload writes process.resourceUsage() at exit. */
function rssProbe(): { env: Record<string, string>; peakMb: () => number; dir: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rss-probe-'));
  const preload = path.join(dir, 'probe.cjs');
  const out = path.join(dir, 'rss');
  writeFileSync(
    preload,
    `process.on('exit', () => { try { require('fs').appendFileSync(${JSON.stringify(out)}, process.resourceUsage().maxRSS + '\\n'); } catch {} });\n`,
  );
  return {
    env: { NODE_OPTIONS: `--require ${preload}` },
    dir,
    // The first line is main's (post runs after it and appends its own).
    peakMb: () => Number(readFileSync(out, 'utf8').split('\n')[0]) / 1024,
  };
}

describe.skipIf(skip)('hostile registries', () => {
  let ca: TestCa;
  let src: TestRegistry;
  let dst: TestRegistry;

  beforeAll(async () => {
    ca = makeCa();
    src = await startRegistry();
    dst = await startRegistry({ user, password });
    await pushImage({ url: src.url }, 'acme/app', { platform: 'linux/arm64', layerBytes: 4096 }, '1');
  });
  afterAll(async () => {
    await src?.stop();
    await dst?.stop();
    if (ca) rmSync(ca.dir, { recursive: true, force: true });
  });

  const merge = (target: string, extra: Record<string, string> = {}, env: Record<string, string> = {}) =>
    runAction(
      {
        sources: `${src.address}/acme/app:1`,
        tags: `${target}/acme/merged:1`,
        push: 'true',
        username: user,
        password,
        ...extra,
      },
      { env },
    );

  /** Merges `sources` (a hostile source) into the honest target. */
  const mergeFrom = (sources: string, env: Record<string, string> = {}) =>
    runAction(
      { sources, tags: `${dst.address}/acme/merged:1`, push: 'true', username: user, password },
      { env },
    );

  const nothingReached = async () =>
    expect(await catalog(dst.address, `${user}:${password}`)).not.toContain('acme/merged');

  test('an upload Location on another port gets no Authorization: not the pre-flight DELETE, not the upload', async () => {
    const trap = await startTrap();
    const front = await startLocationRewriter(dst.address, `http://${trap.address}`);
    try {
      const run = await merge(front.address);
      expect(run.main.exitCode).not.toBe(0);
      expect(trap.seen.length).toBeGreaterThan(0);
      expect(trap.seen.map((s) => s.method)).toContain('DELETE'); // the pre-flight cancels its session there
      for (const s of trap.seen) expect(s.headers.authorization).toBeUndefined();
      expect(errorsOf(run.main)).toMatch(/401 UNAUTHORIZED/);
      expect(leaks(run, password)).toEqual([]);
      await nothingReached();
    } finally {
      await front.stop();
      await trap.stop();
    }
  });

  test('an https registry whose upload Location is plain http is refused before anything is sent there', async () => {
    const trap = await startTrap();
    const front = await startLocationRewriter(dst.address, `http://${trap.address}`, ca);
    try {
      const run = await merge(front.address, { 'ca-file': ca.caFile });
      expect(run.main.exitCode).not.toBe(0);
      expect(errorsOf(run.main)).toMatch(
        new RegExp(
          `Refusing to follow ${front.address} from https to http://${trap.address}/v2/acme/merged/blobs/uploads/`,
        ),
      );
      expect(trap.seen).toEqual([]);
      await nothingReached();
    } finally {
      await front.stop();
      await trap.stop();
    }
  });

  test('basic credentials never go to a plain-http token realm on another origin', async () => {
    const signing = makeSigningCert(ca.dir);
    const tokens: TokenServer = await startTokenServer({
      user,
      password,
      service: 'test-registry',
      issuer: 'test-issuer',
      ...signing,
    });
    const tok = await startRegistry({
      token: {
        realm: tokens.realm,
        service: 'test-registry',
        issuer: 'test-issuer',
        rootcertbundle: signing.certFile,
      },
    });
    try {
      const run = await merge(tok.address);
      expect(run.main.exitCode).not.toBe(0);
      expect(errorsOf(run.main)).toContain(
        `Refusing to send the password for ${tok.address} to its token realm ${tokens.realm}: the realm is not https and not the registry's own origin (http://${tok.address})`,
      );
      expect(tokens.requests.filter((r) => r.user !== undefined)).toEqual([]);
      expect(leaks(run, password)).toEqual([]);
    } finally {
      await tok.stop();
      await tokens.stop();
    }
  });

  test.each([
    ['declares 256 MB', { 'content-length': String(256 * 1024 * 1024) }, /Content-Length 268435456/],
    ['floods 256 MB without a length', {}, /more than 4194304 bytes arrived/],
  ])('a source manifest that %s fails clearly with peak RSS under 200 MB', async (_name, headers, cause) => {
    let sent = 0;
    const liar = await startLiar((url, res) => {
      if (!url.includes('/manifests/')) return false;
      res.writeHead(200, { 'content-type': OCI_INDEX, ...headers });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      const pump = () => {
        while (sent < 256 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
        if (sent >= 256 * 1024 * 1024) res.end();
      };
      res.on('drain', pump);
      pump();
      return true;
    });
    const probe = rssProbe();
    try {
      const run = await mergeFrom(`${liar.address}/acme/app:1`, probe.env);
      expect(run.main.exitCode).not.toBe(0);
      const error = errorsOf(run.main);
      expect(error).toContain(
        `manifest acme/app:1 from ${liar.address} at http://${liar.address}/v2/acme/app/manifests/1 is larger than the 4 MiB the action reads`,
      );
      expect(error).toMatch(cause);
      expect(probe.peakMb()).toBeLessThan(200);
      await nothingReached();
    } finally {
      await liar.stop();
      rmSync(probe.dir, { recursive: true, force: true });
    }
  });

  test('a digest that is a path, a platform that carries a workflow command, an error text with one: clear errors, nothing run', async () => {
    const badIndex = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: 'sha256:../../../../v2/acme/other/manifests/latest',
          size: 2,
        },
      ],
    });
    const liar = await startLiar((url, res) => {
      if (url === '/v2/acme/paths/manifests/1') {
        res.writeHead(200, { 'content-type': OCI_INDEX });
        res.end(badIndex);
        return true;
      }
      if (url === '/v2/acme/denied/manifests/1') {
        res.writeHead(403, { 'content-type': 'text/plain' });
        res.end('denied\n::stop-commands::pwned\n::error::forged');
        return true;
      }
      return false;
    });
    try {
      const paths = await mergeFrom(`${liar.address}/acme/paths:1`);
      expect(paths.main.exitCode).not.toBe(0);
      expect(errorsOf(paths.main)).toMatch(
        /holds the digest 'sha256:\.\.\/\.\.\/\.\.\/\.\.\/v2\/acme\/other\/manifests\/latest', which is not sha256:<64 hex digits>/,
      );

      const denied = await mergeFrom(`${liar.address}/acme/denied:1`);
      expect(denied.main.exitCode).not.toBe(0);
      const lines = denied.main.log.split('\n');
      expect(
        lines.filter((l) => l.startsWith('::stop-commands::') || l.startsWith('::error::forged')),
      ).toEqual([]);
      expect(errorsOf(denied.main)).toContain('403: denied');
      await nothingReached();
    } finally {
      await liar.stop();
    }
  });

  test('a platform name from a source config that carries a workflow command is refused, escaped', async () => {
    // The config says its architecture is "arm64\n::error::forged": pushed to a real registry as it is.
    const forged = await pushImage(
      { url: src.url },
      'acme/forged',
      { platform: 'linux/arm64\n::error::forged', layerBytes: 1024 },
      '1',
    );
    expect(forged.digest).toMatch(/^sha256:/);
    const run = await mergeFrom(`${src.address}/acme/forged:1`);
    expect(run.main.exitCode).not.toBe(0);
    expect(run.main.log.split('\n').filter((l) => l.startsWith('::error::forged'))).toEqual([]);
    expect(errorsOf(run.main)).toContain(
      "architecture 'arm64\\n::error::forged', which is not a platform name",
    );
    await nothingReached();
  });
});
