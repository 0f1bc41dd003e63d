// Emulation on real registrations: dist/ run as the runner runs it, the
// kernel's binfmt_misc, Debian's qemu-user-static and locally built stand-ins
// for the QEMU images. Every test starts from a known set of registrations and
// the machine's own are put back afterwards.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { exitElf } from '../../src/qemu/elf.js';
import { errorsOf, runAction } from '../../support/action-runner.js';
import { buildInstallImage, buildResetImage, removeImage } from '../helpers/binfmt-images.js';
import {
  binfmtTexts,
  hideFile,
  restoreBinfmt,
  snapshotBinfmt,
  unregisterBinfmt,
  type Snapshot,
} from '../helpers/binfmt.js';
import { BUSYBOX_DIR, exampleContext } from '../../support/contexts.js';
import { forwardDockerSocket } from '../helpers/socket-forward.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';

const skip = skipWithoutPrereqs();
const BINFMT = '/proc/sys/fs/binfmt_misc';
const EMULATED = ['qemu-aarch64', 'qemu-s390x', 'qemu-ppc64le', 'qemu-riscv64'];
const tag = `multiarch-test-${process.pid}`;
const INSTALL_IMAGE = `${tag}/binfmt:install`;
const RESET_IMAGE = `${tag}/qemu-user-static:register`;

function registration(name: string): string {
  return existsSync(`${BINFMT}/${name}`) ? readFileSync(`${BINFMT}/${name}`, 'utf8') : '';
}

/** A context that builds for any platform without running anything. */
function noRunContext(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ctx-norun-'));
  writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\nCOPY Dockerfile /Dockerfile\n');
  return dir;
}

describe.skipIf(skip)('emulation', () => {
  let machine: Snapshot;
  let hello: string;
  let noRun: string;
  const undo: (() => void)[] = [];

  beforeAll(() => {
    machine = snapshotBinfmt();
    hello = exampleContext('hello');
    noRun = noRunContext();
    buildInstallImage(INSTALL_IMAGE);
    buildResetImage(RESET_IMAGE);
  });
  afterEach(() => {
    undo.splice(0).forEach((fn) => fn());
    restoreBinfmt(machine);
  });
  afterAll(() => {
    restoreBinfmt(machine);
    for (const d of [hello, noRun]) if (d) rmSync(d, { recursive: true, force: true });
    for (const image of [INSTALL_IMAGE, RESET_IMAGE]) removeImage(image);
  });

  test('auto with every platform native or registered changes nothing and builds', async () => {
    const before = binfmtTexts();
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['qemu-aarch64']));
    const run = await runAction({ platforms: 'linux/amd64,linux/arm64', context: hello, network: 'host' });
    expect(errorsOf(run.main)).toBe('');
    expect(binfmtTexts()).toEqual(before);
    expect(run.main.log).toContain('linux/amd64: native (host is amd64)');
    expect(run.main.log).toMatch(
      /linux\/arm64: emulated \(registered, \/usr\/libexec\/qemu-binfmt\/aarch64-binfmt-P, flags POF, QEMU \d+\.\d+/,
    );
    expect(run.main.log).not.toMatch(/\[command\]\S*docker run/);
    expect(run.outputs['emulated-platforms']).toBe('linux/arm64');
    expect(run.outputs['native-platforms']).toBe('linux/amd64');
    expect(run.summary).toMatch(/<h3>Emulation<\/h3>[\s\S]*linux\/arm64<\/td><td>emulated/);
  });

  test('host mode registers Debian qemu-user-static from scratch, with F, and RUN steps work', async () => {
    unregisterBinfmt(...EMULATED);
    const run = await runAction({
      platforms: 'linux/amd64,linux/arm64,linux/s390x,linux/ppc64le',
      context: hello,
      network: 'host',
      qemu: 'host',
    });
    expect(errorsOf(run.main)).toBe('');
    for (const [name, arch] of [
      ['qemu-aarch64', 'aarch64'],
      ['qemu-s390x', 's390x'],
      ['qemu-ppc64le', 'ppc64le'],
    ]) {
      const text = registration(name ?? '');
      expect(text).toMatch(/^enabled$/m);
      expect(text).toContain(`interpreter /usr/libexec/qemu-binfmt/${arch}-binfmt-P`);
      expect(text).toMatch(/^flags: .*F/m);
    }
    expect(run.outputs['emulated-platforms']).toBe('linux/arm64,linux/s390x,linux/ppc64le');
    expect(run.main.log).toMatch(/linux\/s390x: emulated \(host, .*flags .*F/);
  });

  test.each([
    [1, 'arm64', 'qemu-aarch64'],
    [2, 's390x', 'qemu-s390x'],
    [3, 'ppc64le', 'qemu-ppc64le'],
    [4, 'riscv64', 'qemu-riscv64'],
  ])('%i: the probe proves linux/%s after host registration; busybox agrees', async (_n, arch, name) => {
    unregisterBinfmt(name);
    const run = await runAction({ platforms: `linux/${arch}`, context: noRun, qemu: 'host' });
    expect(errorsOf(run.main)).toBe('');
    expect(run.outputs['emulated-platforms']).toBe(`linux/${arch}`);
    expect(registration(name)).toMatch(/^flags: .*F/m);
    // A second tool: Debian's static busybox of that architecture, run by the kernel.
    const deb = arch === 'ppc64le' ? 'ppc64el' : arch;
    const busybox = path.join(BUSYBOX_DIR, deb, 'busybox');
    if (!existsSync(busybox)) {
      console.warn(`no static busybox for ${arch} on this machine: skipping the busybox cross-check`);
      return;
    }
    expect(execFileSync(busybox, ['uname', '-m'], { encoding: 'utf8' }).trim()).toBe(
      { arm64: 'aarch64', s390x: 's390x', ppc64le: 'ppc64le', riscv64: 'riscv64' }[arch],
    );
  });

  test('arm/v7 and arm/v6 share one qemu-arm; 386 is probed, not assumed native on x86_64', async () => {
    unregisterBinfmt('qemu-arm', 'qemu-i386');
    // Whether this x86_64 kernel runs i386 code natively is a fact of this
    // machine (this PVM guest does not): the action must agree with the kernel.
    const i386 = path.join(noRun, 'exit42-386');
    writeFileSync(i386, exitElf('386', 42), { mode: 0o755 });
    const i386Native = spawnSync(i386).status === 42;
    rmSync(i386);
    const run = await runAction({
      platforms: 'linux/arm/v7,linux/arm/v6,linux/386',
      context: noRun,
      qemu: 'host',
    });
    expect(errorsOf(run.main)).toBe('');
    expect(registration('qemu-arm')).toMatch(/^flags: .*F/m);
    if (i386Native) expect(run.outputs['native-platforms']).toBe('linux/386');
    else expect(run.main.log).toMatch(/linux\/386: emulated \(host, \/usr\/bin\/qemu-i386-static, flags F/);
    expect(run.outputs['emulated-platforms']).toMatch(/^linux\/arm\/v7,linux\/arm\/v6/);
  });

  test('a registration that does not run fails before any build, naming the platform', async () => {
    unregisterBinfmt('qemu-riscv64');
    const debian = readFileSync('/usr/lib/binfmt.d/qemu-riscv64.conf', 'utf8');
    const broken = debian.replace(/:[^:]*:[^:]*$/m, ':/nonexistent/qemu-riscv64:');
    writeFileSync(`${BINFMT}/register`, broken.trim());
    const run = await runAction({ platforms: 'linux/amd64,linux/riscv64', context: noRun });
    expect(run.main.exitCode).not.toBe(0);
    expect(errorsOf(run.main)).toMatch(
      /^Cannot emulate linux\/riscv64: binfmt_misc has qemu-riscv64 \(interpreter \/nonexistent\/qemu-riscv64, flags -\) but a riscv64 test program does not run/,
    );
    expect(run.main.log).not.toContain('Building');
    expect(registration('qemu-riscv64')).toContain('/nonexistent/qemu-riscv64'); // not ours: left alone
    expect(run.outputs['native-platforms']).toBe('linux/amd64');
  });

  test('host mode with a missing interpreter is a clear error, before any build', async () => {
    unregisterBinfmt('qemu-riscv64');
    undo.push(hideFile('/usr/libexec/qemu-binfmt/riscv64-binfmt-P'));
    const run = await runAction({ platforms: 'linux/amd64,linux/riscv64', context: noRun, qemu: 'host' });
    expect(run.main.exitCode).not.toBe(0);
    expect(errorsOf(run.main)).toBe(
      "Cannot emulate linux/riscv64 with 'qemu' host: interpreter /usr/libexec/qemu-binfmt/riscv64-binfmt-P named in /usr/lib/binfmt.d/qemu-riscv64.conf is missing or not executable. Reinstall qemu-user-static (apt-get install --reinstall qemu-user-static), or set 'qemu' to image.",
    );
    expect(run.main.log).not.toContain('Building');
    expect(registration('qemu-riscv64')).toBe('');
  });

  test('not root: registering goes through sudo -n, and its failure is said', async () => {
    unregisterBinfmt('qemu-riscv64');
    chmodSync(noRun, 0o755);
    const nobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
    // The engine reachable as for a user in the docker group: build mode checks it first.
    const engine = await forwardDockerSocket(
      (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, ''),
    );
    const run = await runAction(
      { platforms: 'linux/amd64,linux/riscv64', context: noRun, qemu: 'host' },
      // A home and docker config of its own: root's are unreadable to nobody.
      {
        prefix: nobody,
        anyUser: true,
        env: { HOME: os.tmpdir(), DOCKER_CONFIG: path.join(noRun, '.docker'), DOCKER_HOST: engine.host },
      },
    ).finally(() => engine.stop());
    expect(run.main.exitCode).not.toBe(0);
    expect(errorsOf(run.main)).toMatch(
      /^Cannot register qemu-riscv64 for linux\/riscv64 in \/proc\/sys\/fs\/binfmt_misc: .*The action is not root and 'sudo -n' failed/,
    );
    expect(registration('qemu-riscv64')).toBe('');
  });

  test('image mode runs the image with --install for the missing platforms only', async () => {
    unregisterBinfmt('qemu-s390x');
    const before = registration('qemu-aarch64');
    const run = await runAction({
      platforms: 'linux/amd64,linux/arm64,linux/s390x',
      context: hello,
      network: 'host',
      qemu: 'image',
      'qemu-image': INSTALL_IMAGE,
    });
    expect(errorsOf(run.main)).toBe('');
    expect(run.main.log).toContain(`docker run --privileged --rm ${INSTALL_IMAGE} --install s390x`);
    // This machine's engine cannot grant every capability: the CAP_SYS_ADMIN retry is what works here.
    if (run.main.log.includes('refused --privileged')) expect(run.main.log).toContain(`--cap-add SYS_ADMIN`);
    expect(registration('qemu-s390x')).toMatch(/interpreter \/usr\/bin\/qemu-s390x\n[\s\S]*flags: .*F/);
    expect(registration('qemu-aarch64')).toBe(before);
    expect(run.main.log).toMatch(
      /linux\/s390x: emulated \(image, \/usr\/bin\/qemu-s390x, flags \w*F\w*, QEMU \d+\.\d+\.\d+\)/,
    );
  });

  test('old kernel: fallback image without F, other registrations put back, COPY line warned and explained', async () => {
    unregisterBinfmt('qemu-s390x');
    const before = binfmtTexts();
    const oldKernel = { prefix: ['setarch', 'x86_64', '--uname-2.6'] };
    const inputs = {
      platforms: 'linux/amd64,linux/s390x',
      network: 'host',
      'qemu-fallback-image': RESET_IMAGE,
    };
    const copy = 'COPY --chmod=755 qemu-s390x-static /usr/bin/qemu-s390x-static';
    // A fresh context each time: cached RUN steps would not exec anything.
    const context = mkdtempSync(path.join(os.tmpdir(), 'ctx-old-kernel-'));
    const dockerfile = (extra: string) =>
      readFileSync(path.join(hello, 'Dockerfile'), 'utf8').replace(
        /^FROM scratch$/m,
        `FROM scratch\nCOPY nonce /nonce\n${extra}`,
      );
    try {
      cpSync(hello, context, { recursive: true });
      writeFileSync(path.join(context, 'nonce'), `${Date.now()}-${Math.random()}`);
      writeFileSync(path.join(context, 'Dockerfile'), dockerfile(''));
      const run = await runAction({ ...inputs, context }, oldKernel);
      expect(run.main.log).toContain('Kernel: 2.6.');
      expect(run.main.log).toContain(`${RESET_IMAGE} --reset`);
      expect(run.main.log).toContain('binfmt_misc does not take the F flag');
      expect(run.main.log).toMatch(/Put back after --reset, as they were: .*qemu-aarch64/);
      expect(registration('qemu-s390x')).toMatch(/interpreter \/usr\/bin\/qemu-s390x-static\nflags: \n/);
      for (const name of Object.keys(before)) expect(registration(name)).toBe(before[name]);
      expect(run.main.log).toMatch(
        new RegExp(`::warning::Emulation for linux/s390x runs on a kernel older than 4.8.*${copy}`),
      );
      expect(run.main.exitCode).not.toBe(0);
      expect(errorsOf(run.main)).toMatch(
        /^Building linux\/s390x failed[\s\S]*registered without the F flag.*add 'COPY --chmod=755/,
      );

      // The warned line, followed, makes the build work on the same registration.
      cpSync('/usr/bin/qemu-s390x-static', path.join(context, 'qemu-s390x-static'));
      writeFileSync(path.join(context, 'Dockerfile'), dockerfile(copy));
      const again = await runAction({ ...inputs, context }, oldKernel);
      expect(errorsOf(again.main)).toBe('');
      expect(again.outputs['emulated-platforms']).toBe('linux/s390x');
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
  });
});
