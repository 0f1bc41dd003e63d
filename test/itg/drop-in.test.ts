// build-push-action's `with:` block, every input this action shares with it,
// run with only `uses:` changed (test/fixtures/drop-in/every-input.yml): each
// effect read back inside the pushed image of every platform (hosts entries,
// /dev/shm, ulimit, cgroup parent, secrets from a value, a multi-line value,
// an env var and a file, an ssh agent, build args, a named context), the
// labels, the annotations at each level, the attestations, the load into
// the engine, and the outputs (imageid, digest, metadata in buildx's shape).
// On the classic image store (Docker 20.10) what it cannot do is refused in
// one error before any build, then the rest runs.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { errorsOf, leaks, ROOT, runAction, type ActionRun } from '../../support/action-runner.js';
import { addBusybox } from '../../support/contexts.js';
import { readManifest, type Pushed } from '../../support/images.js';
import { readPushStep } from '../helpers/drop-in.js';
import { engine, skipWithoutPrereqs } from '../helpers/prereqs.js';
import { useTargetRegistry } from '../helpers/target-registry.js';

const skip = skipWithoutPrereqs();
const { major, containerdStore } = engine();
const FIXTURE = path.join(ROOT, 'test/fixtures/drop-in');
const PLATFORMS = { 'linux/amd64': 'x86_64', 'linux/arm64': 'aarch64' } as const;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** The inputs the classic store or Docker 20.10's BuildKit cannot take, refused before any build. */
const CLASSIC_REFUSED = ['shm-size', 'ulimit', 'cgroup-parent', 'attests'];

/**
 * What the classic store runs: the step without what it refuses, and without build-contexts, which
 * needs a Dockerfile frontend newer than Docker 20.10's (it fails in the build, with that hint).
 */
function classicSubset(inputs: Record<string, string>): Record<string, string> {
  const subset = Object.fromEntries(
    Object.entries(inputs).filter(([k]) => !CLASSIC_REFUSED.includes(k) && k !== 'build-contexts'),
  );
  subset.annotations = (subset.annotations ?? '').replace(/^manifest:.*$/m, '');
  return subset;
}

interface Index {
  mediaType: string;
  annotations?: Record<string, string>;
  manifests: (Pushed & { annotations?: Record<string, string> })[];
}

describe.skipIf(skip)('build-push-action drop-in', () => {
  const t = useTargetRegistry();
  const secrets = {
    env: `env-${randomBytes(6).toString('hex')}`,
    multi: `line one ${randomBytes(4).toString('hex')}\nline two "quoted"`,
    plain: `plain-${randomBytes(6).toString('hex')}`,
    file: `file-${randomBytes(6).toString('hex')}`,
  };

  /** The fixture's step with a fresh context, key, secret file and named context. */
  function step() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drop-in-'));
    t.dirs.push(dir);
    const context = path.join(dir, 'ctx');
    const extra = path.join(dir, 'extra');
    execFileSync('mkdir', ['-p', context, extra]);
    copyFileSync(path.join(FIXTURE, 'Dockerfile'), path.join(context, 'Dockerfile'));
    addBusybox(context);
    writeFileSync(path.join(extra, 'hello.txt'), 'from the named context\n');
    writeFileSync(path.join(dir, 'secret.txt'), secrets.file);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'key')]);
    return readPushStep(path.join(FIXTURE, 'every-input.yml'), {
      'env.CONTEXT': context,
      'env.REGISTRY': t.registry.address,
      'env.EXTRA': extra,
      'env.SSH_KEY': path.join(dir, 'key'),
      'env.SECRET_FILE': path.join(dir, 'secret.txt'),
      'secrets.BUILD_TOKEN': secrets.env,
      'secrets.MULTI_LINE': secrets.multi.replace(/"/g, '""'),
      'secrets.PLAIN': secrets.plain,
    });
  }

  const repo = () => `${t.registry.address}/acme/drop-in`;
  const ep = () => ({ url: `http://${t.registry.address}` });
  const json = async <T>(ref: string) =>
    JSON.parse((await readManifest(ep(), 'acme/drop-in', ref)).toString()) as T;

  function readIn(pinned: string, file: string): string {
    return execFileSync('docker', ['run', '--rm', '--network', 'host', pinned, 'cat', file], {
      encoding: 'utf8',
    }).trim();
  }

  /** What the RUN step wrote, per platform. */
  function checkInside(digests: Record<string, string>, full: boolean): void {
    for (const [platform, machine] of Object.entries(PLATFORMS)) {
      const pinned = `${repo()}@${digests[platform]}`;
      try {
        const read = (f: string) => readIn(pinned, f);
        expect(read('/built-on'), platform).toBe(machine);
        expect(read('/hosts'), platform).toMatch(
          /^10\.11\.12\.13\s+buildhost\.test$[\s\S]*^10\.1\.2\.3\s+other\.test$/m,
        );
        expect(read('/greeting'), platform).toBe('hello from build-args');
        expect(read('/ssh'), platform).toBe('ssh-agent');
        expect(read('/secret-envtok'), platform).toBe(sha(secrets.env));
        expect(read('/secret-multi'), platform).toBe(sha(secrets.multi));
        expect(read('/secret-plain'), platform).toBe(sha(secrets.plain));
        expect(read('/secret-filetok'), platform).toBe(sha(secrets.file));
        expect(read('/extra.txt'), platform).toBe(
          full ? 'from the named context' : 'from the Dockerfile stage',
        );
        if (full) {
          expect(read('/shm'), platform).toContain('size=98304k');
          expect(read('/nofile'), platform).toBe('1536');
          expect(read('/cgroup'), platform).toContain('/drop-in-builds/');
        }
      } finally {
        execFileSync('docker', ['image', 'rm', '--force', pinned], { stdio: 'ignore' });
      }
    }
  }

  /** Labels in each config, annotations at each level, attestations beside each image (containerd store). */
  async function checkRegistry(run: ActionRun, full: boolean): Promise<void> {
    const index = await json<Index>('1.0');
    expect(index.annotations?.['org.opencontainers.image.description']).toBe('the index');
    const images = index.manifests.filter((m) => !m.annotations?.['vnd.docker.reference.type']);
    expect(images).toHaveLength(2);
    for (const image of images) {
      expect(image.annotations?.['org.opencontainers.image.title']).toBe('each entry');
      const manifest = await json<{ annotations?: Record<string, string> }>(image.digest);
      if (full) expect(manifest.annotations?.['org.opencontainers.image.description']).toBe('each manifest');
      const config = JSON.parse(
        execFileSync(
          'skopeo',
          ['inspect', '--tls-verify=false', '--config', `docker://${repo()}@${image.digest}`],
          {
            encoding: 'utf8',
          },
        ),
      ) as { config?: { Labels?: Record<string, string> } };
      expect(config.config?.Labels).toMatchObject({
        'org.opencontainers.image.title': 'drop-in',
        'org.opencontainers.image.version': '1.0',
      });
    }
    const attestations = index.manifests.filter((m) => m.annotations?.['vnd.docker.reference.type']);
    expect(attestations).toHaveLength(full ? 2 : 0);
    for (const a of attestations) {
      const types = (await json<{ layers: { annotations?: Record<string, string> }[] }>(a.digest)).layers.map(
        (l) => l.annotations?.['in-toto.io/predicate-type'],
      );
      expect(types.some((p) => p?.startsWith('https://slsa.dev/provenance/'))).toBe(true);
    }
    const { digest = '', imageid } = run.outputs;
    expect(imageid).toBe(digest); // two platforms: the index digest, as buildx's --iidfile holds
    const metadata = JSON.parse(run.outputs.metadata ?? '{}') as Record<string, unknown>;
    expect(metadata).toMatchObject({
      'containerimage.digest': digest,
      'containerimage.descriptor': { digest, mediaType: index.mediaType },
      'image.name': `${repo()}:1.0,${repo()}:latest`,
    });
    expect(metadata['buildx.build.ref']).toMatch(/^[\w-]+\/[\w-]+\/\w+$/);
    expect(metadata).not.toHaveProperty(['containerimage.config.digest']);
  }

  /** Loaded under both tags, without a pull: every platform on containerd, the native one on classic. */
  function checkLoaded(run: ActionRun): void {
    const loaded = containerdStore ? Object.keys(PLATFORMS) : ['linux/amd64'];
    expect(run.main.log).toContain(
      `Loaded ${loaded.join(', ')} into the engine as ${repo()}:1.0, ${repo()}:latest`,
    );
    try {
      for (const platform of loaded) {
        const args = ['run', '--rm', '--pull', 'never', '--network', 'host', '--platform', platform];
        const out = execFileSync('docker', [...args, `${repo()}:latest`, 'cat', '/built-on'], {
          encoding: 'utf8',
        });
        expect(out.trim(), platform).toBe(PLATFORMS[platform as keyof typeof PLATFORMS]);
      }
    } finally {
      execFileSync('docker', ['image', 'rm', `${repo()}:1.0`, `${repo()}:latest`], { stdio: 'ignore' });
    }
  }

  test.runIf(containerdStore && major >= 23)(
    'every input on the containerd image store: each effect inside every platform, in the registry and in the engine',
    async () => {
      const { with: inputs, env } = step();
      const run = await runAction(inputs, { env });
      expect(errorsOf(run.main)).toBe('');
      checkLoaded(run); // first: nothing else has pulled these images into the engine yet
      checkInside(JSON.parse(run.outputs['platform-digests'] ?? '{}') as Record<string, string>, true);
      await checkRegistry(run, true);
      expect(leaks(run, secrets.env, secrets.plain, secrets.file, 'line one')).toEqual([]);
    },
  );

  test.runIf(!containerdStore && major < 23)(
    'classic store: what it cannot do is refused in one error before any build, then the rest runs',
    async () => {
      const { with: inputs, env } = step();
      const refused = await runAction(inputs, { env });
      const error = errorsOf(refused.main);
      expect(error).toMatch(
        /^Input 'shm-size', 'ulimit', 'cgroup-parent' cannot reach the build on Docker 20\./m,
      );
      expect(error).toMatch(/^Input 'attests' \(type=provenance\) asks for attestations/m);
      expect(error).toMatch(
        /^Input 'annotations' has 'manifest:org\.opencontainers\.image\.description=each manifest'/m,
      );
      expect(refused.main.log).not.toContain('::group::Building');
      const run = await runAction(classicSubset(inputs), { env });
      expect(errorsOf(run.main)).toBe('');
      checkLoaded(run);
      checkInside(JSON.parse(run.outputs['platform-digests'] ?? '{}') as Record<string, string>, false);
      await checkRegistry(run, false);
      expect(leaks(run, secrets.env, secrets.plain, secrets.file, 'line one')).toEqual([]);
    },
  );

  test("'outputs' and 'call' are refused before any build, naming what to use instead", async () => {
    const { with: all, env } = step();
    const inputs = containerdStore ? all : classicSubset(all);
    const outputs = await runAction(
      { ...inputs, outputs: 'type=image,push-by-digest=true,name-canonical=true,push=true' },
      { env },
    );
    expect(errorsOf(outputs.main)).toMatch(
      /^Input 'outputs' has 'type=image,push-by-digest=true,name-canonical=true,push=true', which this action cannot take as buildx's --output: .* Instead, push by digest with 'push-by-digest: true'/m,
    );
    expect(outputs.main.log).not.toContain('::group::');
    const call = await runAction({ ...inputs, call: 'check' }, { env });
    const buildx = /buildx (\d+\.\d+\.\d+) \(/.exec(call.main.log)?.[1] ?? '';
    if (buildx.startsWith('0.13') || buildx.startsWith('0.14'))
      expect(errorsOf(call.main)).toMatch(
        new RegExp(
          `^Input 'call' is 'check', which needs buildx 0\\.15\\.0 or newer .*this run uses buildx ${buildx.replace(/\./g, '\\.')}`,
        ),
      );
    else expect(errorsOf(call.main)).toBe('');
    expect(call.main.log).not.toContain('::group::Building');
    expect(call.outputs.digest).toBeUndefined();
  });
});
