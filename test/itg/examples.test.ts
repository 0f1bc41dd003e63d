// Every example's workflow step, run through dist/ as the runner would run it
// (expressions filled in, tags pointed at a test registry, `network: host`
// because this machine has no bridge network).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { errorsOf, runAction, type ActionRun, type RunOptions } from '../../support/action-runner.js';
import { exampleContext } from '../../support/contexts.js';
import { actionSteps, exampleInputs, fillExpressions } from '../helpers/examples.js';
import { startReleaseServer } from '../helpers/release-server.js';
import { runImage } from '../helpers/run-image.js';
import { DEBIAN_BUILDX, pathWithout, registryTarball, tempDir } from '../helpers/tools.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';
import { startRegistry, type TestRegistry } from '../../support/registry.js';

const skip = skipWithoutPrereqs();

/** The platforms a run pushed, in its output's order. */
const platformsOf = (run: ActionRun) =>
  Object.keys(JSON.parse(run.outputs['platform-digests'] ?? '{}') as object);

describe.skipIf(skip)('examples', () => {
  let registry: TestRegistry;
  const contexts: string[] = [];
  const github = {
    'github.repository': 'acme/demo',
    'github.actor': '',
    'github.sha': 'abc123',
    'secrets.GITHUB_TOKEN': '',
  };

  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(async () => {
    await registry?.stop();
    contexts.forEach((c) => rmSync(c, { recursive: true, force: true }));
  });

  function context(name: string): string {
    const dir = exampleContext(name);
    contexts.push(dir);
    return dir;
  }

  /** The example's step with `vars` filled in, run through dist/ from a copy of its context. */
  const runExample = (name: string, vars: Record<string, string> = github, options: RunOptions = {}) =>
    runAction(
      { ...exampleInputs(name, vars, registry.address), network: 'host' },
      { cwd: context(name), ...options },
    );

  test('hello: three platforms, each smoke-tested as its own CPU before the push', async () => {
    const run = await runExample('hello');
    expect(errorsOf(run.main)).toBe('');
    expect(platformsOf(run)).toEqual(['linux/amd64', 'linux/arm64', 'linux/s390x']);
    for (const p of ['amd64', 'arm64', 's390x'])
      expect(run.main.log).toContain(`::group::Testing linux/${p}`);
    expect(run.summary).toContain('Smoke test');
    expect(run.summary.match(/<td>passed<\/td>/g)).toHaveLength(3);
  });

  test('hub-hooks: one rule per architecture, each with its hooks and sut; what the action does already is skipped', async () => {
    const sha = 'abc1230000000000000000000000000000000000';
    const run = await runExample(
      'hub-hooks',
      { 'secrets.DOCKERHUB_USERNAME': '', 'secrets.DOCKERHUB_TOKEN': '' },
      { github: { event: 'push', tag: 'v1.2.0', sha, message: 'Release 1.2.0' } },
    );
    expect(errorsOf(run.main)).toBe('');
    const log = run.main.log;
    expect(log).toContain('::notice::Skipping arm64/hooks/pre_build: it only registers QEMU');
    expect(log).toContain('::notice::Skipping arm64/hooks/push for linux/arm64: it only runs docker push');
    expect(log).toContain('::notice::Skipping arm64/hooks/post_push: it only assembles a manifest list');
    expect(log).toMatch(
      /::notice::Skipping 'FROM multiarch\/qemu-user-static:x86_64-aarch64 AS qemu', 'COPY --from=qemu \/usr\/bin\/qemu-aarch64-static \/usr\/bin\/' in .*arm64\/Dockerfile for linux\/arm64: QEMU is registered with the F flag/,
    );
    expect(log).toContain('::group::Testing linux/amd64 (docker-compose.test.yml)');
    expect(log).toContain('sut passed on x86_64');
    expect(log).toContain('sut passed on aarch64');
    expect(log).toContain('::group::Running amd64/hooks/post_push');
    expect(log.indexOf('sut passed on aarch64')).toBeLessThan(log.indexOf('::group::Merging index'));
    // Hooks get Hub's variables (and no more of the job's environment than they need).
    expect(log).toContain(`pushed ${registry.address}/acme/hub-app:latest (branch v1.2.0, commit ${sha})`);
    const pinned = `${registry.address}/acme/hub-app@${run.outputs.digest}`;
    expect(runImage(pinned, { platform: 'linux/amd64' })).toBe(
      `amd64/Dockerfile built on x86_64 from ${sha}`,
    );
    expect(runImage(pinned, { platform: 'linux/arm64' })).toBe(
      'arm64/Dockerfile built on aarch64 from unknown',
    );
  });

  test('self-hosted-arm64: host-mode QEMU, one build at a time, smoke tests (roles swapped on this x86_64 machine)', async () => {
    const run = await runExample('self-hosted-arm64');
    expect(errorsOf(run.main)).toBe('');
    expect(platformsOf(run)).toEqual(['linux/arm64', 'linux/amd64']);
    // One build at a time: no "N at a time ('max-parallel')" line (the plan may still name the input).
    expect(run.main.log).not.toMatch(/at a time \('max-parallel'\)/);
    expect(run.summary.match(/<td>passed<\/td>/g)).toHaveLength(2);
  });

  test('air-gapped: host QEMU, buildx and the registry from a release mirror, an insecure intranet registry', async () => {
    const files = tempDir('air-gapped-files');
    const toolCache = tempDir('air-gapped-tool-cache');
    const mirror = await startReleaseServer({
      buildx: [
        {
          tag: 'v0.13.1',
          assets: { 'buildx-v0.13.1.linux-amd64': DEBIAN_BUILDX },
          checksums: { file: 'checksums.txt', format: 'list' },
        },
      ],
      registry: [
        {
          tag: 'v2.8.3',
          assets: { 'registry_2.8.3_linux_amd64.tar.gz': registryTarball(files, 'registry.tar.gz') },
          checksums: { file: '', format: 'sidecar' },
        },
      ],
    });
    // No registry binary on this runner: it must come from the mirror.
    const { PATH, dir: pathDir } = pathWithout(['registry', 'docker-registry']);
    try {
      const vars = {
        'vars.BUILDX_VERSION': 'v0.13.1',
        'vars.BUILDX_MIRROR': mirror.buildxUrl,
        'vars.REGISTRY_MIRROR': mirror.registryUrl,
        'vars.INTRANET_REGISTRY': registry.address,
        'github.sha': 'abc123',
      };
      const inputs = exampleInputs('air-gapped', vars, registry.address);
      const run = await runAction(
        // The stand-in mirror is plain http on 127.0.0.1; the example's real mirror is https.
        { ...inputs, network: 'host', 'allow-insecure-downloads': 'true' },
        { cwd: context('air-gapped'), env: { PATH, RUNNER_TOOL_CACHE: toolCache } },
      );
      expect(errorsOf(run.main)).toBe('');
      expect(run.main.log).toContain('buildx 0.13.1 (downloaded)');
      const fetched = mirror.requests.filter((r) => !r.startsWith('/objects/'));
      expect(fetched).toEqual(
        expect.arrayContaining([
          '/docker/buildx/releases/download/v0.13.1/checksums.txt',
          '/distribution/distribution/releases/download/v2.8.3/registry_2.8.3_linux_amd64.tar.gz',
        ]),
      );
      const raw = execFileSync('skopeo', [
        'inspect',
        '--raw',
        '--tls-verify=false',
        `docker://${registry.address}/acme/app:abc123`,
      ]);
      expect(`sha256:${createHash('sha256').update(raw).digest('hex')}`).toBe(run.outputs.digest);
      expect(platformsOf(run)).toEqual(['linux/amd64', 'linux/arm64', 'linux/s390x']);
    } finally {
      await mirror.stop();
      for (const d of [files, toolCache, pathDir]) rmSync(d, { recursive: true, force: true });
    }
  });
  test('air-gapped-transfer: export.yml writes one archive (push: false); import.yml pushes it with the same index', async () => {
    const temp = tempDir('air-gapped-transfer');
    contexts.push(temp);
    const fill = (step: Record<string, string> | undefined, table: Record<string, string>) =>
      Object.fromEntries(Object.entries(step ?? {}).map(([k, v]) => [k, fillExpressions(v, table)]));
    const [exportStep] = actionSteps('air-gapped-transfer', 'export.yml');
    const [importStep] = actionSteps('air-gapped-transfer', 'import.yml');
    const exported = await runAction(
      { ...fill(exportStep, { 'runner.temp': temp, 'github.ref_name': 'v1.0.0' }), network: 'host' },
      { cwd: context('air-gapped-transfer') },
    );
    expect(errorsOf(exported.main)).toBe('');
    const archive = path.join(temp, 'app.oci.tar');
    expect(existsSync(archive)).toBe(true);
    const exportedPlatforms = JSON.parse(exported.outputs['platform-digests'] ?? '{}') as Record<
      string,
      string
    >;
    expect(Object.keys(exportedPlatforms).sort()).toEqual(['linux/amd64', 'linux/arm64', 'linux/s390x']);

    const imported = await runAction(
      fill(importStep, {
        'inputs.archive': archive,
        'inputs.tag': 'v1.0.0',
        'vars.INTRANET_REGISTRY': registry.address,
      }),
    );
    expect(errorsOf(imported.main)).toBe('');
    expect(imported.outputs.digest).toBe(exported.outputs.digest);
    expect(JSON.parse(imported.outputs['platform-digests'] ?? '{}')).toEqual(exportedPlatforms);
    // Read back by an independent client, straight from the registry.
    const served = execFileSync('skopeo', [
      'inspect',
      '--raw',
      '--tls-verify=false',
      `docker://${registry.address}/acme/app:v1.0.0`,
    ]);
    expect(`sha256:${createHash('sha256').update(served).digest('hex')}`).toBe(exported.outputs.digest);
  });
});
