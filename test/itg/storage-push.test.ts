// Build mode's lean data path end to end: dist/ run as the runner runs it, a
// real engine, buildx and distribution registries. Layers are read from the
// local registry's storage files and sent over raw sockets; every case the
// lean path cannot serve (a proxy from the environment, a body limit) still
// works the undici way, and damaged storage fails clearly with nothing tagged.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { errorsOf, leaks, runAction, type ActionRun } from '../../support/action-runner.js';
import { readManifest, sha256 } from '../../support/images.js';
import type { TestRegistry } from '../../support/registry.js';
import { startConnectProxy } from '../helpers/connect-proxy.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';
import { useAuthRegistries } from '../helpers/auth-registries.js';
import { skopeoRaw } from '../helpers/skopeo.js';
import { buildRegistryImage } from '../helpers/tools.js';

const skip = skipWithoutPrereqs();
const LAYER = 3 * 1024 * 1024;

/** A scratch image with one incompressible layer; `prePush` becomes hooks/pre_push. */
function context(prePush?: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ctx-storage-'));
  writeFileSync(path.join(dir, 'blob'), randomBytes(LAYER));
  writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\nCOPY blob /blob\n');
  if (prePush) {
    mkdirSync(path.join(dir, 'hooks'));
    writeFileSync(path.join(dir, 'hooks', 'pre_push'), `#!/bin/sh\nset -eu\n${prePush}\n`);
    chmodSync(path.join(dir, 'hooks', 'pre_push'), 0o755);
  }
  return dir;
}

/** The blobs read from the local registry's files, as the debug log says. */
function fromFiles(run: ActionRun): number {
  return (
    run.main.log.match(
      /::debug::sha256:[0-9a-f]{64}: read from \S+\/registry\/data\/docker\/registry\/v2\/blobs\//g,
    ) ?? []
  ).length;
}

describe.skipIf(skip)('build mode reads blobs from the local registry storage', () => {
  const f = useAuthRegistries(1);
  const { user, password } = f;
  let plain: TestRegistry;
  const dirs: string[] = [];

  function build(
    tags: string,
    prePush?: string,
    inputs: Record<string, string> = {},
    env: Record<string, string> = {},
  ) {
    const ctx = context(prePush);
    dirs.push(ctx);
    return runAction(
      { platforms: 'linux/amd64', context: ctx, tags, push: 'true', network: 'host', ...inputs },
      { env },
    );
  }

  /** The login and CA file of the fixture's registries. */
  const login = () => ({ username: user, password, 'ca-file': f.auth.ca.caFile });
  /** The run succeeded and its layers went up from the local registry's files. */
  const expectPushedFromFiles = (run: ActionRun) => {
    expect(errorsOf(run.main)).toBe('');
    expect(run.main.exitCode).toBe(0);
    expect(fromFiles(run)).toBeGreaterThan(0);
  };

  beforeAll(() => {
    [plain] = f.open as [TestRegistry];
  });
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('through a proxy failing every 3rd request: layers come from the files over raw sockets, the index is right', async () => {
    const proxy = await startFaultProxy(plain.address, { every: 3 });
    try {
      const run = await build(`${proxy.address}/acme/faulty:1`);
      expectPushedFromFiles(run);
      expect(run.main.log).toMatch(
        /::debug::PUT 127\.0\.0\.1:\d+\/v2\/acme\/faulty\/blobs\/uploads\/\S*: raw socket/,
      );
      expect(run.main.log).toContain('Retrying');
      expect(sha256(await readManifest({ url: plain.url }, 'acme/faulty', '1'))).toBe(run.outputs.digest);
      expect(run.post.exitCode).toBe(0);
    } finally {
      await proxy.stop();
    }
  });

  test('a body limit (413) switches to chunked uploads, the undici way', async () => {
    const proxy = await startFaultProxy(plain.address, { maxBodyBytes: 1024 * 1024 });
    try {
      const run = await build(`${proxy.address}/acme/limited:1`);
      expect(errorsOf(run.main)).toBe('');
      expect(run.main.exitCode).toBe(0);
      expect(run.main.log).toMatch(
        /refused a \d+-byte upload as too large \((413|the connection broke while sending)\); uploading in chunks/,
      );
      expect(proxy.counts['413']).toBeGreaterThan(0);
      expect(sha256(await readManifest({ url: plain.url }, 'acme/limited', '1'))).toBe(run.outputs.digest);
    } finally {
      await proxy.stop();
    }
  });

  test('TLS with a CA file and basic auth: the raw socket speaks TLS; skopeo reads the image back', async () => {
    const repo = `${f.auth.secure.address}/acme/tls`;
    const run = await build(`${repo}:1`, undefined, login());
    expectPushedFromFiles(run);
    expect(run.main.log).toMatch(
      /::debug::PUT 127\.0\.0\.1:\d+\/v2\/acme\/tls\/blobs\/uploads\/\S*: raw socket/,
    );
    const raw = skopeoRaw(`${repo}:1`, { creds: `${user}:${password}`, caFile: f.auth.ca.caFile });
    expect(sha256(raw)).toBe(run.outputs.digest);
    expect(leaks(run, password)).toEqual([]);
  });

  test('token auth: the lean PUT carries the bearer token', async () => {
    const run = await build(`${f.auth.tok.address}/acme/tok:1`, undefined, login());
    expectPushedFromFiles(run);
    expect(leaks(run, password)).toEqual([]);
  });

  test('HTTPS_PROXY from the environment: blobs go through its CONNECT tunnel (undici), trusting the CA file', async () => {
    const proxy = await startConnectProxy();
    try {
      const run = await build(`${f.auth.secure.address}/acme/proxied:1`, undefined, login(), {
        HTTPS_PROXY: proxy.url,
        NO_PROXY: '',
      });
      expect(errorsOf(run.main)).toBe('');
      expect(run.main.exitCode).toBe(0);
      expect(proxy.seen).toContain(`CONNECT ${f.auth.secure.address}`);
      expect(run.main.log).toMatch(
        /::debug::PUT 127\.0\.0\.1:\d+\/v2\/acme\/proxied\/blobs\/uploads\/\S* through the proxy from the environment/,
      );
      expect(run.main.log).not.toMatch(/\/v2\/acme\/proxied\/blobs\/uploads\/\S*: raw socket/);
    } finally {
      await proxy.stop();
    }
  });

  test('a damaged blob file is refused by the target as DIGEST_INVALID: the run fails naming the blob, nothing is tagged', async () => {
    const damage =
      'for f in $(find "$RUNNER_TEMP"/multiarch-*/registry/data/docker/registry/v2/blobs -name data -size +1024k); do\n' +
      '  printf XXXXXXXX | dd of="$f" bs=1 seek=4096 conv=notrunc 2>/dev/null\ndone';
    const run = await build(`${plain.address}/acme/damaged:1`, damage);
    expect(run.main.exitCode).not.toBe(0);
    expect(errorsOf(run.main)).toMatch(
      /^Cannot copy blob sha256:[0-9a-f]{64} to 127\.0\.0\.1:\d+\/acme\/damaged: the registry refused its bytes as DIGEST_INVALID, so the local registry's file \S+\/data is damaged .*Nothing was tagged/,
    );
    await expect(readManifest({ url: plain.url }, 'acme/damaged', '1')).rejects.toThrow();
    expect(run.post.exitCode).toBe(0);
  });

  test('local-registry container: its storage is a bind mount; when the files are gone from the host, blobs come over HTTP, said once', async () => {
    const image = `multiarch-test-registry:${randomBytes(4).toString('hex')}`;
    buildRegistryImage(image);
    try {
      const inContainer = { 'local-registry': 'container', 'registry-image': image };
      const ok = await build(`${plain.address}/acme/container:1`, undefined, inContainer);
      expectPushedFromFiles(ok);
      // The container keeps the moved directory mounted; the host path is empty now.
      const move =
        'for d in "$RUNNER_TEMP"/multiarch-*/registry/data; do mv "$d" "$d.moved"; mkdir "$d"; done';
      const run = await build(`${plain.address}/acme/moved:1`, move, inContainer);
      expect(errorsOf(run.main)).toBe('');
      expect(run.main.exitCode).toBe(0);
      expect(fromFiles(run)).toBe(0);
      expect(
        run.main.log.match(
          /Cannot read blobs from the local registry's storage \(ENOENT\); reading them from 127\.0\.0\.1:\d+ over HTTP instead/g,
        ),
      ).toHaveLength(1);
      expect(sha256(await readManifest({ url: plain.url }, 'acme/moved', '1'))).toBe(run.outputs.digest);
      expect(run.post.exitCode).toBe(0);
    } finally {
      execFileSync('docker', ['image', 'rm', '--force', image], { stdio: 'ignore' });
    }
  });
});
