// The local registry lets in only this run (issue 15, item 8): a push from
// outside the run is refused with 401, in both ways of running the registry,
// and a tag moved behind the action's back (with the run's own login, read
// from its docker config as any root process could) changes nothing in what
// is pushed: the merge reads each platform by the digest its build reported.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { errorsOf, leaks, startAction } from '../../support/action-runner.js';
import { addBusybox } from '../../support/contexts.js';
import { pushImage, readManifest, sha256 } from '../../support/images.js';
import { startRegistry, type TestRegistry } from '../../support/registry.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';
import { buildRegistryImage } from '../helpers/tools.js';
import * as os from 'node:os';

const skip = skipWithoutPrereqs();

function context(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ctx-login-'));
  addBusybox(dir);
  writeFileSync(
    path.join(dir, 'Dockerfile'),
    'FROM scratch\nARG TARGETARCH\nCOPY busybox/${TARGETARCH} /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\nRUN echo built > /built\n',
  );
  return dir;
}

/** An upload started from outside the run, without credentials: the status it gets. */
async function outsiderPush(address: string): Promise<number> {
  const res = await request(`http://${address}/v2/build/blobs/uploads/`, { method: 'POST' });
  await res.body.dump();
  return res.statusCode;
}

describe.skipIf(skip)('the local registry lets in only this run', () => {
  let target: TestRegistry;
  let ctx: string;
  // The distribution registry of this machine as an image (no Docker Hub here).
  const image = `multiarch-test-registry:${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    target = await startRegistry();
    ctx = context();
    buildRegistryImage(image);
  });
  afterAll(async () => {
    await target?.stop();
    rmSync(ctx, { recursive: true, force: true });
    execFileSync('docker', ['image', 'rm', '--force', image], { stdio: 'ignore' });
  });

  test.each([
    ['binary', ''],
    ['container', ''],
    ['binary', 'a credsStore in the user config'],
  ])(
    "local-registry %s %s: an outsider's push gets 401; a tag moved behind the action's back changes nothing",
    async (mode, credsStore) => {
      const env: Record<string, string> = {};
      if (credsStore) {
        // docker asks a credsStore for every registry unless a credHelpers entry names the host.
        env.DOCKER_CONFIG = mkdtempSync(path.join(os.tmpdir(), 'user-docker-config-'));
        writeFileSync(path.join(env.DOCKER_CONFIG, 'config.json'), '{"credsStore":"multiarch-test-none"}');
      }
      const started = startAction(
        {
          platforms: 'linux/amd64',
          context: ctx,
          tags: `${target.address}/login/${mode}:1`,
          push: 'true',
          network: 'host',
          'local-registry': mode,
          'registry-image': image,
          // The smoke test holds the run between the build and the merge.
          'test-command': 'sleep 4',
        },
        { env },
      );
      const during = await (async () => {
        await started.main.waitFor('::group::Testing linux/amd64');
        const address = /Local registry at (\S+) \(/.exec(started.main.output())?.[1] ?? '';
        expect(await outsiderPush(address)).toBe(401);
        // The run's own docker config: mode 0600, with the login buildx pushed with.
        const config = path.join(
          started.runnerTemp,
          readdirRun(started.runnerTemp),
          'docker-config',
          'config.json',
        );
        expect(statSync(config).mode & 0o777).toBe(0o600);
        const { auths } = JSON.parse(readFileSync(config, 'utf8')) as Record<
          string,
          Record<string, { auth: string }>
        >;
        const [user = '', password = ''] = Buffer.from(auths?.[address]?.auth ?? '', 'base64')
          .toString()
          .split(':');
        // Someone with the login moves the platform's tag to an image of their own.
        const planted = await pushImage(
          { url: `http://${address}`, user, password },
          'build',
          { platform: 'linux/amd64' },
          'linux-amd64',
        );
        return { planted, password, config };
      })().catch(async (err: unknown) => {
        await started.finish(); // post still cleans up what the run started
        throw err;
      });
      const { planted, password, config } = during;
      const run = await started.finish();
      expect(errorsOf(run.main)).toBe('');
      const built = (JSON.parse(run.outputs['platform-digests'] ?? '{}') as Record<string, string>)[
        'linux/amd64'
      ];
      expect(built).toBeDefined();
      expect(built).not.toBe(planted.digest);
      const index = JSON.parse(
        (await readManifest({ url: target.url }, `login/${mode}`, '1')).toString(),
      ) as {
        manifests: { digest: string }[];
      };
      expect(sha256(await readManifest({ url: target.url }, `login/${mode}`, '1'))).toBe(run.outputs.digest);
      expect(index.manifests.map((m) => m.digest)).toContain(built);
      expect(index.manifests.map((m) => m.digest)).not.toContain(planted.digest);
      expect(leaks(run, password)).toEqual([]);
      expect(run.post.exitCode).toBe(0);
      expect(() => statSync(config)).toThrow(); // removed in post with the run dir
    },
  );
});

/** The run's own dir in RUNNER_TEMP (multiarch-<run id>). */
function readdirRun(runnerTemp: string): string {
  const dirs = readdirSync(runnerTemp).filter((d) => d.startsWith('multiarch-'));
  if (dirs.length !== 1) throw new Error(`expected one run dir in ${runnerTemp}: ${dirs.join(', ')}`);
  return dirs[0] ?? '';
}
