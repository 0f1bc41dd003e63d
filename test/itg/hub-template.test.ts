// examples/hub-template (Docker Hub's 2018–2020 multi-arch template: Dockerfile
// plus Dockerfile.<arch> copying qemu-*-static, hooks that fetch emulators,
// register QEMU, build every file in a loop with build args from Hub's
// variables, push each tag and stitch them with manifest-tool), run through
// dist/ as the runner runs it: one index whose images run as their own CPU and
// print the build args the hook passed, nothing downloaded, no hook run; the
// dry run prints the same plan; a value the action cannot evaluate fails the
// job before anything slow, naming the hook's line.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { errorsOf, runAction } from '../../support/action-runner.js';
import { exampleContext } from '../../support/contexts.js';
import { exampleInputs } from '../helpers/examples.js';
import {
  expectedTemplateNotice,
  expectHelloFromEachCpu,
  templateNotice,
  templateNoticeDate,
} from '../helpers/hub-notice.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';
import { useTargetRegistry } from '../helpers/target-registry.js';

const skip = skipWithoutPrereqs();

const secrets = { 'secrets.DOCKERHUB_USERNAME': '', 'secrets.DOCKERHUB_TOKEN': '' };
const sha = 'c0ffee1234567890c0ffee1234567890c0ffee12';
const github = { event: 'push' as const, tag: 'v1.2.0', sha, message: 'Release 1.2.0' };

const exists = (ref: string) =>
  spawnSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`]).status === 0;

describe.skipIf(skip)('Docker Hub multi-arch template (examples/hub-template)', () => {
  const t = useTargetRegistry();
  const context = () => {
    const dir = exampleContext('hub-template');
    t.dirs.push(dir);
    return dir;
  };

  test('one index at tags, each image its own CPU with the build args hooks/build passed; nothing downloaded, no hook run', async () => {
    const ctx = context();
    const before = readdirSync(ctx).sort();
    const inputs = exampleInputs('hub-template', secrets, t.registry.address);
    const run = await runAction({ ...inputs, network: 'host' }, { cwd: ctx, github });
    expect(errorsOf(run.main)).toBe('');
    const log = run.main.log;
    const repo = `${t.registry.address}/acme/hello`;
    const notice = templateNotice(log);
    const date = templateNoticeDate(notice);
    expect(notice).toEqual(
      expectedTemplateNotice(
        notice,
        repo,
        (q) =>
          `'COPY qemu-${q}-static /usr/bin/' left out: QEMU is registered with the F flag, so no interpreter is needed in the image`,
      ),
    );
    // The one notice: no notice of its own per hook or per platform.
    expect(log).not.toMatch(/^::notice::Skipping/m);
    expect(log).toContain("Skipping hooks/push for linux/s390x: the multi-arch template's notice says why");
    // The hooks' date is the run's.
    expect(Math.abs(Date.parse(date) - Date.now())).toBeLessThan(30 * 60_000);
    // No hook ran: nothing downloaded, no per-arch tag, no manifest-tool.
    expect(log).not.toContain('::group::Running hooks/');
    expect(log).not.toContain('Building amd64 from');
    expect(readdirSync(ctx).sort()).toEqual(before);
    for (const arch of ['amd64', 'arm64v8', 's390x']) expect(exists(`${repo}:latest_${arch}`)).toBe(false);
    // One index at 'tags', each image running as its own CPU and saying what Hub would have built.
    expect(Object.keys(JSON.parse(run.outputs['platform-digests'] ?? '{}') as object)).toEqual([
      'linux/amd64',
      'linux/arm64',
      'linux/s390x',
    ]);
    const pinned = `${repo}@${run.outputs.digest}`;
    expectHelloFromEachCpu(pinned, date);
    // The labels the Dockerfile makes of those args, read by a second tool.
    const digests = JSON.parse(run.outputs['platform-digests'] ?? '{}') as Record<string, string>;
    const config = JSON.parse(
      execFileSync(
        'skopeo',
        ['inspect', '--config', '--tls-verify=false', `docker://${repo}@${digests['linux/s390x']}`],
        {
          encoding: 'utf8',
        },
      ),
    ) as { config: { Labels: Record<string, string> }; architecture: string };
    expect(config.architecture).toBe('s390x');
    expect(config.config.Labels).toMatchObject({
      'org.label-schema.version': '1.2.0',
      'org.label-schema.build-date': date,
      'org.label-schema.vcs-ref': 'c0ffee1',
    });
  });

  test("'hooks: check' prints the same plan and builds nothing", async () => {
    const inputs = exampleInputs('hub-template', secrets, '127.0.0.1:9');
    const run = await runAction({ ...inputs, network: 'host', hooks: 'check' }, { cwd: context(), github });
    expect(errorsOf(run.main)).toBe('');
    const log = run.main.log;
    const args = /VERSION=1\.2\.0 BUILD_DATE=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ VCS_REF=c0ffee1/.source;
    // One report for the template's platforms, each hook once (no per-platform repeats).
    expect(log).not.toMatch(/^linux\/amd64: hooks run in/m);
    expect(log.match(/^ {2}hooks\/pre_build: /gm)).toHaveLength(1);
    for (const line of [
      /^Docker Hub's multi-arch template in hooks: what each hook does under the action$/m,
      /^ {2}hooks\/pre_build: skipped: it only registers QEMU/m,
      new RegExp(
        `^ {4}linux/amd64: Dockerfile \\(line 11, was 127\\.0\\.0\\.1:9/acme/hello:latest_amd64\\): build args ${args}$`,
        'm',
      ),
      new RegExp(
        `^ {4}linux/arm64: Dockerfile\\.arm64v8 \\(line 20, was 127\\.0\\.0\\.1:9/acme/hello:latest_arm64v8\\): build args ${args} ARCH=arm64v8$`,
        'm',
      ),
      /^ {2}hooks\/push: skipped: it pushes each architecture's image that hooks\/build tagged/m,
      /^ {2}hooks\/post_push: skipped: it only assembles a manifest list/m,
      /^ {2}Dockerfile\.s390x: 'COPY qemu-s390x-static \/usr\/bin\/' left out when QEMU is registered with the F flag/m,
    ])
      expect(log).toMatch(line);
    for (const phase of ['Registering QEMU emulators', 'Building', 'Merging index'])
      expect(log).not.toContain(`::group::${phase}`);
    expect(run.outputs.digest ?? '').toBe('');
  });

  test('a value hooks/build computes in a way the action cannot evaluate fails before anything slow, naming the line', async () => {
    const ctx = context();
    const hook = path.join(ctx, 'hooks', 'build');
    writeFileSync(
      hook,
      readFileSync(hook, 'utf8').replace('$(git rev-parse --short HEAD)', '$(git describe --always)'),
    );
    const ref = `${t.registry.address}/acme/hello-bad:latest`;
    const inputs = exampleInputs('hub-template', secrets, t.registry.address);
    const run = await runAction({ ...inputs, tags: ref, network: 'host' }, { cwd: ctx, github });
    expect(run.main.exitCode).not.toBe(0);
    expect(errorsOf(run.main)).toMatch(
      /Cannot follow hooks\/build for linux\/amd64: line 11 'docker build --build-arg VERSION=.*': cannot evaluate \$\(git describe --always\) \(set as VCS_REF on line 8\)\. .*Pass that value in 'build-args', or set 'hooks' to false/,
    );
    expect(run.main.log).not.toContain('::group::Registering QEMU emulators');
    expect(existsSync(path.join(ctx, 'manifest-tool'))).toBe(false);
    expect(exists(ref)).toBe(false);
  });
});
