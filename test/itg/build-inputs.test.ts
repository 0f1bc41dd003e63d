// build-push-action's inputs, end to end: each reaches the build for real
// (checked in the image or in buildx's own log), or fails clearly and early
// where the engine cannot do it (docker 20.10: classic store, BuildKit 0.8),
// and works where it can (docker 26: containerd store, attestations).
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { useTargetRegistry } from '../helpers/target-registry.js';
import { errorsOf, leaks, runAction } from '../../support/action-runner.js';
import { engine, skipWithoutPrereqs } from '../helpers/prereqs.js';
import { catalog } from '../../support/registry.js';

const skip = skipWithoutPrereqs();
const { containerdStore, major } = engine();

/**
 * A barrier on loopback: each request waits until `expected` are in flight
 * (or `holdMs` passes), so the peak in flight says how many builds ran at once.
 */
function barrier(
  expected: number,
  holdMs: number,
): Promise<{ server: Server; url: string; peak: () => number }> {
  let inFlight = 0;
  let peak = 0;
  const waiting: (() => void)[] = [];
  const server = createServer((_req, res) => {
    peak = Math.max(peak, ++inFlight);
    const done = () => {
      inFlight--;
      res.end('ok\n');
    };
    waiting.push(done);
    if (inFlight >= expected) waiting.splice(0).forEach((f) => f());
    else
      setTimeout(() => waiting.includes(done) && waiting.splice(waiting.indexOf(done), 1) && done(), holdMs);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      resolve({ server, url: `http://127.0.0.1:${port}/arrive`, peak: () => peak });
    }),
  );
}

describe.skipIf(skip)('build inputs', () => {
  const t = useTargetRegistry();

  test('target, build-args, labels and secrets reach the build; the secret never reaches the log', async () => {
    const secret = `s3cret-${randomBytes(8).toString('hex')}`;
    const ctx = t.busyboxContext(
      'ARG GREETING\nRUN echo "$GREETING" > /greeting\n' +
        'RUN --mount=type=secret,id=token sha256sum /run/secrets/token | cut -d" " -f1 > /secret-sha\n' +
        'FROM base AS right\nRUN echo right > /stage\nFROM base AS wrong\nRUN echo wrong > /stage\n',
      'base',
    );
    const repo = `${t.registry.address}/inputs/target`;
    const run = await runAction({
      ...t.pushInputs(ctx, 'inputs/target'),
      platforms: 'linux/amd64,linux/arm64',
      target: 'right',
      'build-args': 'GREETING=hello, multi-arch world',
      labels: 'org.example.note=two words',
      secrets: `token=${secret}`,
      // BuildKit keys the cache without secret values: a cached RUN would hash an older run's secret.
      'no-cache': 'true',
    });
    expect(errorsOf(run.main)).toBe('');
    const digests = JSON.parse(run.outputs['platform-digests'] ?? '{}') as Record<string, string>;
    const pinned = `${repo}@${digests['linux/arm64']}`;
    const out = execFileSync(
      'docker',
      ['run', '--rm', '--network', 'host', pinned, 'cat', '/stage', '/greeting', '/secret-sha'],
      { encoding: 'utf8' },
    );
    execFileSync('docker', ['image', 'rm', '--force', pinned], { stdio: 'ignore' });
    const sha = createHash('sha256').update(secret).digest('hex');
    expect(out.split('\n')).toEqual(['right', 'hello, multi-arch world', sha, '']);
    const config = JSON.parse(
      execFileSync('skopeo', ['inspect', '--config', '--tls-verify=false', `docker://${pinned}`], {
        encoding: 'utf8',
      }),
    ) as {
      config: { Labels: Record<string, string> };
    };
    expect(config.config.Labels['org.example.note']).toBe('two words');
    expect(leaks(run, secret)).toEqual([]);
  });

  test('max-parallel 3 builds three platforms side by side; 1 builds them one at a time (no-cache keeps RUN live)', async () => {
    const ctx = t.busyboxContext('ARG BARRIER\nRUN wget -q -O /dev/null "$BARRIER/$(uname -m)"\n', 'base');
    for (const [parallel, expected, hold] of [
      ['3', 3, 120_000],
      ['1', 1, 1_500],
    ] as const) {
      const b = await barrier(3, hold);
      try {
        const run = await runAction({
          platforms: 'linux/amd64,linux/arm64,linux/s390x',
          context: ctx,
          network: 'host',
          'no-cache': 'true',
          'max-parallel': parallel,
          'build-args': `BARRIER=${b.url}`,
        });
        expect(errorsOf(run.main)).toBe('');
        expect({ parallel, peak: b.peak() }).toEqual({ parallel, peak: expected });
        for (const p of ['amd64', 'arm64', 's390x'])
          expect(run.main.log).toContain(`::group::Building linux/${p}`);
        expect(run.main.log).not.toMatch(/CACHED/);
      } finally {
        b.server.close();
      }
    }
  });

  test('a smoke test failing on one platform stops the push and names the platform', async () => {
    const ctx = t.busyboxContext('RUN uname -m > /arch\n', 'base');
    const run = await runAction({
      platforms: 'linux/amd64,linux/arm64,linux/s390x',
      context: ctx,
      tags: `${t.registry.address}/inputs/smoke:1`,
      push: 'true',
      network: 'host',
      'max-parallel': '1',
      'test-command': 'test "$(cat /arch)" != s390x',
    });
    expect(run.main.exitCode).not.toBe(0);
    expect(errorsOf(run.main)).toMatch(
      /^Smoke test failed on linux\/s390x: 'test-command' exited 1.*Nothing was pushed/s,
    );
    expect(await catalog(t.registry.address)).not.toContain('inputs/smoke');
  });

  test("cache-from reaches buildx scoped per build (per platform, or one build's platforms joined); cache-to inline and pull build fine", async () => {
    const ctx = t.busyboxContext('RUN uname -m > /arch\n', 'base');
    const cache = `${t.registry.address}/inputs/cache:buildcache`;
    const run = await runAction({
      platforms: 'linux/amd64,linux/arm64',
      context: ctx,
      network: 'host',
      'cache-from': `type=registry,ref=${cache}`,
      'cache-to': 'type=inline',
      pull: 'true',
    });
    expect(errorsOf(run.main)).toBe('');
    expect(run.main.log).toContain('--pull');
    expect(run.main.log).toContain('--cache-to type=inline');
    // The containerd store builds both in one build, which exports one cache for both.
    const slugs = containerdStore ? ['linux-amd64_linux-arm64'] : ['linux-amd64', 'linux-arm64'];
    for (const slug of slugs)
      expect(run.main.log).toContain(`--cache-from type=registry,ref=${cache}-${slug}`);
  });

  // The classic store's limits: with the containerd store the docker driver exports caches and attestations.
  test.skipIf(containerdStore).each([
    [1, { 'cache-to': 'type=gha' }, /'cache-to' has 'type=gha', which the docker driver cannot export/],
    [
      2,
      { provenance: 'mode=max' },
      /'provenance' asks for attestations, which the docker driver on the classic image store cannot make/,
    ],
  ])('%i: what the docker driver cannot do fails before any build: %j', async (_n, inputs, message) => {
    const ctx = t.busyboxContext('RUN true\n', 'base');
    const run = await runAction({ platforms: 'linux/amd64', context: ctx, network: 'host', ...inputs });
    expect(errorsOf(run.main)).toMatch(message);
    expect(run.main.log).not.toContain('::group::Building');
  });

  test.runIf(containerdStore)(
    'the containerd store: provenance is made and pushed beside each platform image',
    async () => {
      const ctx = t.busyboxContext('RUN uname -m > /arch\n', 'base');
      const repo = `${t.registry.address}/inputs/provenance`;
      const run = await runAction({
        ...t.pushInputs(ctx, 'inputs/provenance'),
        platforms: 'linux/amd64,linux/arm64',
        provenance: 'mode=max',
      });
      expect(errorsOf(run.main)).toBe('');
      const index = JSON.parse(
        execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${repo}:1`], {
          encoding: 'utf8',
        }),
      ) as { manifests: { platform?: { architecture: string }; annotations?: Record<string, string> }[] };
      const kinds = index.manifests.map(
        (m) => m.annotations?.['vnd.docker.reference.type'] ?? m.platform?.architecture,
      );
      expect(kinds.sort()).toEqual(['amd64', 'arm64', 'attestation-manifest', 'attestation-manifest']);
    },
  );

  /** `dockerfile` built for linux/amd64 with a build context `extra` that holds f = x; not pushed. */
  async function buildWithExtra(dockerfile: string) {
    const ctx = t.busyboxContext(dockerfile, 'base');
    const extra = mkdtempSync(path.join(os.tmpdir(), 'extra-'));
    t.dirs.push(extra);
    writeFileSync(path.join(extra, 'f'), 'x');
    const run = await runAction({
      platforms: 'linux/amd64',
      context: ctx,
      network: 'host',
      'build-contexts': `extra=${extra}`,
    });
    return { run, extra };
  }

  test.skipIf(major >= 23)(
    'build-contexts reach buildx; on BuildKit 0.8 the failure says what is needed',
    async () => {
      const { run, extra } = await buildWithExtra('FROM scratch\nCOPY --from=extra f /f\n');
      expect(run.main.log).toContain(`--build-context extra=${extra}`);
      expect(errorsOf(run.main)).toMatch(
        /Building linux\/amd64 failed.*'build-contexts' needs BuildKit 0.10/s,
      );
    },
  );

  test.runIf(major >= 23)('build-contexts reach the build (BuildKit 0.10+)', async () => {
    const { run, extra } = await buildWithExtra(
      'FROM base\nCOPY --from=extra f /f\nRUN test "$(cat /f)" = x\n',
    );
    expect(errorsOf(run.main)).toBe('');
    expect(run.main.log).toContain(`--build-context extra=${extra}`);
  });
});
