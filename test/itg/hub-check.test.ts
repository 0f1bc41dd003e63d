// 'hooks: check' on examples/hub-hooks, run through dist/: the report says,
// per platform, what each hook and docker-compose.test.yml will do, and
// nothing is built, emulated or pushed.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { errorsOf, runAction } from '../../support/action-runner.js';
import { exampleContext } from '../../support/contexts.js';
import { exampleInputs } from '../helpers/examples.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';

const skip = skipWithoutPrereqs();

const builders = () => execFileSync('docker', ['buildx', 'ls'], { encoding: 'utf8' });

describe.skipIf(skip)("'hooks: check'", () => {
  const ctx = exampleContext('hub-hooks');
  afterAll(() => rmSync(ctx, { recursive: true, force: true }));

  test('examples/hub-hooks: each hook and test file, run, skipped (why) or absent; nothing built', async () => {
    // Port 9 (discard) listens nowhere: a push or a preflight would fail the run.
    const inputs = exampleInputs(
      'hub-hooks',
      { 'secrets.DOCKERHUB_USERNAME': '', 'secrets.DOCKERHUB_TOKEN': '' },
      '127.0.0.1:9',
    );
    const before = builders();
    const run = await runAction({ ...inputs, network: 'host', hooks: 'check' }, { cwd: ctx });
    expect(errorsOf(run.main)).toBe('');
    expect(run.main.exitCode).toBe(0);
    const log = run.main.log;
    for (const line of [
      'linux/amd64: hooks run in amd64 with DOCKERFILE_PATH=Dockerfile BUILD_PATH=/amd64',
      "  amd64/hooks/build: runs as written, in place of the action's build of this platform",
      '  amd64/hooks/post_push: runs as written',
      '  amd64/docker-compose.test.yml: runs as written, its sut service, before any push',
      '  absent: post_checkout, pre_build, post_build, pre_test, test, post_test, pre_push, push',
      'linux/arm64: hooks run in arm64 with DOCKERFILE_PATH=Dockerfile BUILD_PATH=/arm64',
      '  arm64/hooks/pre_build: skipped: it only registers QEMU, which this action has already done.',
      '  arm64/hooks/push: skipped: it only runs docker push "$IMAGE_NAME"',
      '  arm64/hooks/post_push: skipped: it only assembles a manifest list',
      '  arm64/docker-compose.test.yml: runs as written, its sut service, before any push',
      '  absent: post_checkout, build, post_build, pre_test, test, post_test, pre_push',
    ])
      expect(log).toContain(line);
    // Nothing built, emulated, started or pushed.
    for (const phase of ['Registering QEMU emulators', 'Building', 'Merging index', 'Checking targets'])
      expect(log).not.toContain(`::group::${phase}`);
    expect(log).not.toContain('Running ');
    expect(run.outputs.digest ?? '').toBe('');
    expect(builders()).toBe(before);
  });
});
