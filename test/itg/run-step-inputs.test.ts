// build-push-action's inputs for RUN steps, end to end: add-hosts, shm-size,
// ulimit and secret-envs checked inside the pushed image of every platform
// (docker run per platform, emulated where needed), or refused before any
// build where the engine's BuildKit would ignore them (docker 20.10).
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { useTargetRegistry } from '../helpers/target-registry.js';
import { errorsOf, leaks, runAction } from '../../support/action-runner.js';
import { engine, skipWithoutPrereqs } from '../helpers/prereqs.js';

const skip = skipWithoutPrereqs();
const { major } = engine();

describe.skipIf(skip)('run-step inputs', () => {
  const t = useTargetRegistry();

  // What RUN steps get, checked inside the image of every platform. Docker 20.10's BuildKit ignores
  // shm-size and ulimit, so there they fail before any build (next test); 23+ checks all four.
  test('add-hosts, secret-envs (and shm-size, ulimit on Docker 23+) reach RUN steps on every platform', async () => {
    const secret = `env-s3cret-${randomBytes(8).toString('hex')}`;
    const ctx = t.busyboxContext(
      'RUN --mount=type=secret,id=envtok cat /etc/hosts > /hosts && ulimit -n > /nofile && ' +
        "(grep ' /dev/shm ' /proc/mounts || true) > /shm && " +
        'sha256sum /run/secrets/envtok | cut -d" " -f1 > /secret-sha\n',
      'base',
    );
    const repo = `${t.registry.address}/inputs/run-steps`;
    const limits: Record<string, string> =
      major >= 23 ? { 'shm-size': '96m', ulimit: 'nofile=1536:2048' } : {};
    const run = await runAction(
      {
        platforms: 'linux/amd64,linux/arm64',
        ...t.pushInputs(ctx, 'inputs/run-steps'),
        'add-hosts': 'buildhost.test:10.11.12.13,other.test=10.1.2.3',
        'secret-envs': 'envtok=BUILD_TOKEN',
        'no-cache': 'true',
        ...limits,
      },
      { env: { BUILD_TOKEN: secret } },
    );
    expect(errorsOf(run.main)).toBe('');
    // Two platforms: build-push-action's imageid is the index digest, as buildx's --iidfile holds.
    expect(run.outputs.imageid).toBe(run.outputs.digest);
    const digests = JSON.parse(run.outputs['platform-digests'] ?? '{}') as Record<string, string>;
    const sha = createHash('sha256').update(secret).digest('hex');
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      const pinned = `${repo}@${digests[platform]}`;
      const read = (file: string) =>
        execFileSync('docker', ['run', '--rm', '--network', 'host', pinned, 'cat', file], {
          encoding: 'utf8',
        });
      try {
        expect(read('/hosts'), platform).toMatch(
          /^10\.11\.12\.13\s+buildhost\.test$[\s\S]*^10\.1\.2\.3\s+other\.test$/m,
        );
        expect(read('/secret-sha').trim(), platform).toBe(sha);
        if (major >= 23) {
          expect(read('/shm'), platform).toContain('size=98304k');
          expect(read('/nofile').trim(), platform).toBe('1536');
        }
      } finally {
        execFileSync('docker', ['image', 'rm', '--force', pinned], { stdio: 'ignore' });
      }
    }
    expect(leaks(run, secret)).toEqual([]);
  });

  test.skipIf(major >= 23)(
    "shm-size and ulimit, which Docker 20.10's BuildKit ignores, fail before any build; a missing secret-envs variable too",
    async () => {
      const ctx = t.busyboxContext('RUN true\n', 'base');
      const limits = await runAction({
        platforms: 'linux/amd64,linux/arm64',
        context: ctx,
        network: 'host',
        'shm-size': '96m',
        ulimit: 'nofile=1536:2048',
      });
      expect(errorsOf(limits.main)).toMatch(
        /^Input 'shm-size', 'ulimit' cannot reach the build on Docker 20\.10[^:]*: its BuildKit \(the docker driver's\) ignores them\. Use 'driver: docker-container'/,
      );
      expect(limits.main.log).not.toContain('::group::Building');
      const missing = await runAction({
        platforms: 'linux/amd64',
        context: ctx,
        network: 'host',
        'secret-envs': 'envtok=NOT_SET_ANYWHERE',
      });
      expect(errorsOf(missing.main)).toMatch(
        /Input 'secret-envs' gives secret 'envtok' the environment variable 'NOT_SET_ANYWHERE', which is not set/,
      );
      expect(missing.main.log).not.toContain('::group::');
    },
  );
});
