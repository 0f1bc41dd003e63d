// examples/hub-template on a kernel the action sees as older than 4.8 (no F
// flag), as Docker Hub's builders were: QEMU comes from the fallback image's
// --reset (a local stand-in for multiarch/qemu-user-static:register) with
// interpreters at /usr/bin/qemu-<arch>-static, looked up inside each
// container, so the Dockerfiles' `COPY qemu-<arch>-static /usr/bin/` lines are
// kept and the action supplies those files from the runner's own QEMU in a
// private copy of the context. The images hold their interpreter as Hub built
// them, run as their own CPU and print the build args hooks/build passed; the
// checkout is not changed; the machine's registrations are put back after.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { errorsOf, runAction } from '../../support/action-runner.js';
import { exampleContext } from '../../support/contexts.js';
import { startRegistry, type TestRegistry } from '../../support/registry.js';
import { buildResetImage, removeImage } from '../helpers/binfmt-images.js';
import {
  binfmtTexts,
  restoreBinfmt,
  snapshotBinfmt,
  unregisterBinfmt,
  type Snapshot,
} from '../helpers/binfmt.js';
import { exampleInputs } from '../helpers/examples.js';
import {
  expectedTemplateNotice,
  expectHelloFromEachCpu,
  templateNotice,
  templateNoticeDate,
} from '../helpers/hub-notice.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';

const skip = skipWithoutPrereqs();
const BINFMT = '/proc/sys/fs/binfmt_misc';
const RESET_IMAGE = `multiarch-test-${process.pid}/qemu-user-static:register`;
const secrets = { 'secrets.DOCKERHUB_USERNAME': '', 'secrets.DOCKERHUB_TOKEN': '' };
const sha = 'c0ffee1234567890c0ffee1234567890c0ffee12';
const github = { event: 'push' as const, tag: 'v1.2.0', sha, message: 'Release 1.2.0' };
const oldKernel = ['setarch', 'x86_64', '--uname-2.6'];

const registration = (name: string) =>
  existsSync(`${BINFMT}/${name}`) ? readFileSync(`${BINFMT}/${name}`, 'utf8') : '';

describe.skipIf(skip)('Docker Hub multi-arch template on a kernel without the F flag', () => {
  let machine: Snapshot;
  let registry: TestRegistry;
  let ctx = '';
  beforeAll(async () => {
    machine = snapshotBinfmt();
    buildResetImage(RESET_IMAGE);
    registry = await startRegistry();
  });
  afterEach(() => restoreBinfmt(machine));
  afterAll(async () => {
    restoreBinfmt(machine);
    removeImage(RESET_IMAGE);
    await registry?.stop();
    if (ctx) rmSync(ctx, { recursive: true, force: true });
  });

  test("COPY qemu-*-static kept and supplied from the runner's QEMU: images hold their interpreter, run as their CPU, print what Hub built", async () => {
    ctx = exampleContext('hub-template');
    const before = readdirSync(ctx).sort();
    // The F-flag entries this machine has would be kept as they are: without them the action registers QEMU itself.
    unregisterBinfmt('qemu-aarch64', 'qemu-s390x');
    const inputs = exampleInputs('hub-template', secrets, registry.address);
    const run = await runAction(
      // No cache: every RUN step runs now, under the registration without F, as on Hub's builders.
      { ...inputs, network: 'host', 'qemu-fallback-image': RESET_IMAGE, 'no-cache': 'true' },
      { cwd: ctx, github, prefix: oldKernel },
    );
    expect(errorsOf(run.main)).toBe('');
    const log = run.main.log;
    expect(log).toContain('binfmt_misc does not take the F flag');
    expect(log).toContain(`${RESET_IMAGE} --reset`);
    // What --reset registered, as multiarch/qemu-user-static:register did: no F, the interpreter looked up in the image.
    for (const q of ['aarch64', 's390x'])
      expect(registration(`qemu-${q}`)).toMatch(
        new RegExp(`interpreter /usr/bin/qemu-${q}-static\nflags: \n`),
      );

    // One notice, hook by hook; no notice of its own per hook or per platform.
    const repo = `${registry.address}/acme/hello`;
    const notice = templateNotice(log);
    const date = templateNoticeDate(notice);
    const kept = (q: string) =>
      `'COPY qemu-${q}-static /usr/bin/' kept: QEMU has no F flag here, so the image needs its interpreter: the action put qemu-${q}-static (the runner's /usr/bin/qemu-${q}-static) in a private copy of the context; the checkout is not changed`;
    expect(notice).toEqual(expectedTemplateNotice(notice, repo, kept));
    expect(log.match(/^::notice::/gm)).toHaveLength(1);
    expect(log).toContain("Skipping hooks/push for linux/s390x: the multi-arch template's notice says why");

    // The checkout is as it was; the private copy went with the run directory in post.
    expect(readdirSync(ctx).sort()).toEqual(before);
    const copy = /Copied the context \S+ to (\S+),/.exec(log)?.[1] ?? '';
    expect(copy).toMatch(/context-1$/);
    expect(existsSync(copy)).toBe(false);

    // Each image runs as its own CPU through the registration without F: its interpreter is inside it.
    const pinned = `${repo}@${run.outputs.digest}`;
    expectHelloFromEachCpu(pinned, date);
    // ... and it is the runner's own QEMU, as Hub's images held the one post_checkout fetched.
    for (const [platform, q] of [
      ['linux/arm64', 'aarch64'],
      ['linux/s390x', 's390x'],
    ] as const) {
      const version = execFileSync(`/usr/bin/qemu-${q}-static`, ['--version'], { encoding: 'utf8' }).trim();
      expect(
        execFileSync(
          'docker',
          [
            'run',
            '--rm',
            '--platform',
            platform,
            '--entrypoint',
            `/usr/bin/qemu-${q}-static`,
            pinned,
            '--version',
          ],
          { encoding: 'utf8' },
        ).trim(),
      ).toBe(version);
      execFileSync('docker', ['image', 'rm', '--force', pinned], { stdio: 'ignore' });
    }
    restoreBinfmt(machine);
    expect(binfmtTexts()).toEqual(binfmtTexts(machine));
  });
});
