// The whole pipeline on real parts: dist/ run as the runner runs it, a real
// engine, buildx, QEMU and distribution registries; results checked with
// skopeo and `docker run --platform`, cleanup checked after post.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { errorsOf, leaks, runAction } from '../../support/action-runner.js';
import { pushWithWrongPassword, useLoginRegistries } from '../helpers/login-registries.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';
import { alive } from '../helpers/processes.js';
import { skopeoRaw } from '../helpers/skopeo.js';
import { catalog, manifestsStored, tagsOf } from '../../support/registry.js';

const skip = skipWithoutPrereqs();
const UNAME: Record<string, string> = {
  'linux/amd64': 'x86_64',
  'linux/arm64': 'aarch64',
  'linux/s390x': 's390x',
};
const PLATFORMS = Object.keys(UNAME);

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A docker CLI with its own config dir, logged in to one registry. */
function dockerAs(address: string, user: string, password: string): (args: string[]) => string {
  const config = mkdtempSync(path.join(os.tmpdir(), 'docker-config-'));
  const env = { ...process.env, DOCKER_CONFIG: config };
  execFileSync('docker', ['login', address, '-u', user, '--password-stdin'], {
    env,
    input: password,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  return (args) => execFileSync('docker', args, { env, encoding: 'utf8' });
}

function leftovers(runnerTemp: string, localAddress: string | undefined): string[] {
  const found: string[] = [];
  const dirs = readdirSync(runnerTemp).filter((d) => d.startsWith('multiarch-'));
  if (dirs.length > 0) found.push(`run dirs ${dirs.join(', ')}`);
  if (localAddress) {
    const images = execFileSync('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'], {
      encoding: 'utf8',
    });
    const ours = images.split('\n').filter((i) => i.startsWith(localAddress));
    if (ours.length > 0) found.push(`engine images ${ours.join(', ')}`);
  }
  return found;
}

describe.skipIf(skip)('pipeline', () => {
  const f = useLoginRegistries();
  const { user, password } = f;

  test('builds 3 platforms into a password-protected registry; the digest output is what it serves', async () => {
    const repo = `${f.secured.address}/acme/hello`;
    const run = await runAction({
      platforms: PLATFORMS.join(','),
      context: f.context,
      tags: `${repo}:1.0\n${repo}:latest`,
      push: 'true',
      username: user,
      password,
      network: 'host',
    });
    expect(errorsOf(run.main)).toBe('');
    expect(run.main.exitCode).toBe(0);
    expect(run.post.exitCode).toBe(0);

    // The index the registry serves, read by an independent client.
    const raw = skopeoRaw(`${repo}:1.0`, { creds: `${user}:${password}` });
    expect(sha256(raw)).toBe(run.outputs.digest);
    expect(sha256(skopeoRaw(`${repo}:latest`, { creds: `${user}:${password}` }))).toBe(run.outputs.digest);
    const index = JSON.parse(raw.toString()) as {
      manifests: { digest: string; platform: { os: string; architecture: string } }[];
    };
    const served = Object.fromEntries(
      index.manifests.map((m) => [`${m.platform.os}/${m.platform.architecture}`, m.digest]),
    );
    expect(served).toEqual(JSON.parse(run.outputs['platform-digests'] ?? '{}'));
    expect(Object.keys(served).sort()).toEqual([...PLATFORMS].sort());
    expect(run.outputs.image).toBe(`${repo}@${run.outputs.digest}`);
    expect(JSON.parse(run.outputs.metadata ?? '{}')).toMatchObject({
      digest: run.outputs.digest,
      pushed: true,
    });

    // Each platform's image, picked from the index by the engine, runs as that
    // CPU, and its RUN step ran as that CPU too. (Engine 20.10 keeps one
    // platform per index digest: remove it before pulling the next.)
    const docker = dockerAs(f.secured.address, user, password);
    const pinned = `${repo}@${run.outputs.digest}`;
    for (const platform of PLATFORMS) {
      try {
        const ran = docker([
          'run',
          '--rm',
          '--network',
          'host',
          '--platform',
          platform,
          pinned,
          'uname',
          '-m',
        ]);
        const built = docker(['run', '--rm', '--network', 'host', '--platform', platform, pinned]);
        expect({ platform, ran: ran.trim(), built: built.trim() }).toEqual({
          platform,
          ran: UNAME[platform],
          built: UNAME[platform],
        });
      } finally {
        docker(['image', 'rm', '--force', pinned]);
      }
    }

    // The password reached the runner only as a mask request.
    expect(leaks(run, password)).toEqual([]);
    expect(run.main.log).toContain(`::add-mask::${password}`);

    // The summary names every platform; post left nothing running or on disk.
    for (const p of PLATFORMS) expect(run.summary).toContain(p);
    const state = JSON.parse(run.state['multiarch-state'] ?? '{}') as {
      registry?: { pid: number; address: string };
    };
    expect(state.registry?.pid).toBeGreaterThan(0);
    expect(alive(state.registry?.pid ?? 0)).toBe(false);
    expect(leftovers(run.runnerTemp, state.registry?.address)).toEqual([]);
  });

  test('push false assembles the index locally and writes nothing to the target', async () => {
    const run = await runAction({
      ...f.pushInputs(f.open, 'acme/local-only'),
      platforms: 'linux/amd64,linux/arm64',
      push: 'false',
    });
    expect(errorsOf(run.main)).toBe('');
    expect(run.outputs.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(
      Object.keys(JSON.parse(run.outputs['platform-digests'] ?? '{}') as Record<string, string>),
    ).toEqual(['linux/amd64', 'linux/arm64']);
    expect(await catalog(f.open.address)).not.toContain('acme/local-only');
  });

  test('a bad platform fails before any build, naming it and the valid ones', async () => {
    const run = await runAction({
      ...f.pushInputs(f.open, 'acme/bad-platform'),
      platforms: 'linux/amd64,linux/sparc64',
    });
    expect(run.main.exitCode).not.toBe(0);
    expect(errorsOf(run.main)).toMatch(
      /unknown platform 'linux\/sparc64'.*valid platforms are linux\/amd64, .*linux\/s390x/,
    );
    expect(run.main.log).not.toContain('Building');
    expect(await catalog(f.open.address)).not.toContain('acme/bad-platform');
    expect(run.post.exitCode).toBe(0);
  });

  test('a platform whose build fails names itself, and nothing pullable reaches the target', async () => {
    const broken = mkdtempSync(path.join(os.tmpdir(), 'ctx-broken-'));
    try {
      execFileSync('cp', ['-r', `${f.context}/.`, broken]);
      // Fails only as s390x, after amd64 and arm64 built fine.
      writeFileSync(
        path.join(broken, 'Dockerfile'),
        'FROM scratch\nARG TARGETARCH\nCOPY busybox/${TARGETARCH} /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\nRUN test "$(uname -m)" != s390x || { echo "deliberate failure on $(uname -m)"; exit 3; }\n',
      );
      const run = await runAction({
        platforms: PLATFORMS.join(','),
        context: broken,
        tags: `${f.open.address}/acme/broken:1.0`,
        push: 'true',
        network: 'host',
      });
      expect(run.main.exitCode).not.toBe(0);
      expect(errorsOf(run.main)).toMatch(/^Building linux\/s390x failed/);
      // The platforms that built may have sent blobs ahead (untagged, for garbage collection): no manifest, no tag.
      expect(manifestsStored(f.open, 'acme/broken')).toEqual([]);
      expect(await tagsOf(f.open.address, 'acme/broken')).toEqual([]);
      const state = JSON.parse(run.state['multiarch-state'] ?? '{}') as { registry?: { address: string } };
      expect(leftovers(run.runnerTemp, state.registry?.address)).toEqual([]);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });

  test('a wrong password is a one-line 401 naming the registry and user, without the secret', async () => {
    const { run, wrong } = await pushWithWrongPassword(f, 'linux/amd64');
    expect(run.main.exitCode).not.toBe(0);
    const error = errorsOf(run.main);
    expect(error).toContain(f.secured.address);
    expect(error).toContain('401');
    expect(error).toContain(`user '${user}'`);
    expect(error).toContain("Check 'username' and 'password'");
    expect(error).not.toContain(wrong);
    expect(await catalog(f.secured.address, `${user}:${password}`)).not.toContain('acme/denied');
  });

  test('without username/password it uses the runner docker config, as docker/login-action leaves it', async () => {
    const config = mkdtempSync(path.join(os.tmpdir(), 'docker-config-'));
    const auth = Buffer.from(`${user}:${password}`).toString('base64');
    writeFileSync(
      path.join(config, 'config.json'),
      JSON.stringify({ auths: { [f.secured.address]: { auth } } }),
    );
    const repo = `${f.secured.address}/acme/from-config`;
    const run = await runAction(
      {
        platforms: 'linux/amd64,linux/arm64',
        context: f.context,
        tags: `${repo}:1.0`,
        push: 'true',
        network: 'host',
      },
      { env: { DOCKER_CONFIG: config } },
    );
    expect(errorsOf(run.main)).toBe('');
    expect(sha256(skopeoRaw(`${repo}:1.0`, { creds: `${user}:${password}` }))).toBe(run.outputs.digest);
    expect(leaks(run, password, auth)).toEqual([]);
    rmSync(config, { recursive: true, force: true });
    expect(existsSync(config)).toBe(false);
  });
});
