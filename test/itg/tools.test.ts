// Tool installs on real parts: dist/ run as the runner runs it, buildx and
// the distribution registry downloaded from a local stand-in for GitHub's
// release downloads (real binaries from Debian's packages), a registry
// container from a locally built image, and the docker-container builder's
// failure path. Post must leave nothing behind.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { errorsOf, runAction, type ActionRun } from '../../support/action-runner.js';
import { exampleContext } from '../../support/contexts.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';
import { startReleaseServer, type ReleaseServer } from '../helpers/release-server.js';
import {
  buildRegistryImage,
  DEBIAN_BUILDX,
  dockerLines,
  fakeRunnerBuildx,
  pathWithout,
  registryTarball,
  tempDir,
} from '../helpers/tools.js';
import { alive } from '../helpers/processes.js';

const skip = skipWithoutPrereqs();
/** The stand-in release server is plain http on 127.0.0.1: the action refuses http mirrors without this. */
const LOOPBACK_HTTP = { 'allow-insecure-downloads': 'true' };

interface State {
  runId: string;
  registry?: { pid?: number; container?: string; address: string };
  builder?: string;
  dockerConfig?: string;
}

function stateOf(run: ActionRun): State {
  return JSON.parse(run.state['multiarch-state'] ?? '{}') as State;
}

/** What a run left behind: run dirs, its registry process or container, its builder's container. */
function leftovers(run: ActionRun): string[] {
  const state = stateOf(run);
  const found: string[] = [];
  const dirs = readdirSync(run.runnerTemp).filter((d) => d.startsWith('multiarch-'));
  if (dirs.length > 0) found.push(`run dirs ${dirs.join(', ')}`);
  if (alive(state.registry?.pid)) found.push(`registry pid ${state.registry?.pid}`);
  const containers = dockerLines(['ps', '-a', '--format', '{{.Names}}']).filter((n) =>
    n.includes(state.runId),
  );
  if (containers.length > 0) found.push(`containers ${containers.join(', ')}`);
  const volumes = dockerLines(['volume', 'ls', '--format', '{{.Name}}']).filter((n) =>
    n.includes(state.runId),
  );
  if (volumes.length > 0) found.push(`volumes ${volumes.join(', ')}`);
  return found;
}

describe.skipIf(skip)('tool installs', () => {
  let server: ReleaseServer;
  let context: string;
  let files: string;
  const cleanups: string[] = [];

  beforeAll(async () => {
    files = tempDir('release-files');
    context = exampleContext('hello');
    server = await startReleaseServer({
      buildx: [
        {
          tag: 'v0.13.1',
          // Another arch's line first: picking the wrong line fails the checksum.
          assets: {
            'buildx-v0.13.1.linux-arm64': '/usr/bin/true',
            'buildx-v0.13.1.linux-amd64': DEBIAN_BUILDX,
          },
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
  });
  afterAll(async () => {
    await server?.stop();
    for (const d of [context, files, ...cleanups]) if (d) rmSync(d, { recursive: true, force: true });
  });

  function build(inputs: Record<string, string>, env: Record<string, string>): Promise<ActionRun> {
    return runAction(
      { platforms: 'linux/amd64', context, push: 'false', network: 'host', ...inputs },
      { env },
    );
  }

  /** The same build again: it logs where the tool came from and asks the mirror for nothing. */
  async function buildAgain(
    inputs: Record<string, string>,
    env: Record<string, string>,
    from: string,
  ): Promise<ActionRun> {
    server.requests.length = 0;
    const again = await build(inputs, env);
    expect(errorsOf(again.main)).toBe('');
    expect(again.main.log).toContain(from);
    expect(server.requests).toEqual([]);
    return again;
  }

  function dir(prefix: string): string {
    const d = tempDir(prefix);
    cleanups.push(d);
    return d;
  }

  test('buildx v0.13.1 from a mirror: verified, cached, used; a second run downloads nothing', async () => {
    const toolCache = dir('tool-cache');
    // The runner's own buildx is too old to build: only the installed plugin can.
    const env = { RUNNER_TOOL_CACHE: toolCache, DOCKER_CONFIG: fakeRunnerBuildx('0.9.1') };
    cleanups.push(env.DOCKER_CONFIG);
    const inputs = { 'buildx-version': 'v0.13.1', 'buildx-url': server.buildxUrl, ...LOOPBACK_HTTP };
    server.requests.length = 0;
    const first = await build(inputs, env);
    expect(errorsOf(first.main)).toBe('');
    expect(first.main.log).toContain('buildx 0.13.1 (downloaded)');
    expect(first.outputs.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(server.requests.filter((r) => !r.startsWith('/objects/'))).toEqual([
      '/docker/buildx/releases/download/v0.13.1/checksums.txt',
      '/docker/buildx/releases/download/v0.13.1/buildx-v0.13.1.linux-amd64',
    ]);
    const cached = path.join(toolCache, 'docker-buildx', '0.13.1', process.arch, 'docker-buildx');
    expect(execFileSync(cached, ['version'], { encoding: 'utf8' })).toContain('0.13.1');
    expect(leftovers(first)).toEqual([]);

    const second = await buildAgain(inputs, env, 'buildx 0.13.1 (tool cache)');
    expect(leftovers(second)).toEqual([]);
  });

  test('a checksum mismatch fails clearly and installs and caches nothing', async () => {
    const toolCache = dir('tool-cache');
    server.corrupt = true;
    try {
      const run = await build(
        { 'buildx-version': 'v0.13.1', 'buildx-url': server.buildxUrl, ...LOOPBACK_HTTP },
        { RUNNER_TOOL_CACHE: toolCache },
      );
      expect(run.main.exitCode).not.toBe(0);
      expect(errorsOf(run.main)).toMatch(
        /^Checksum mismatch for buildx v0\.13\.1 from http:\/\/127\.0\.0\.1:\d+\/docker\/buildx\/releases\/download\/v0\.13\.1\/buildx-v0\.13\.1\.linux-amd64: sha256 is [a-f0-9]{64}, the release's checksums say [a-f0-9]{64}; nothing was installed\. Check 'buildx-version'/,
      );
      expect(run.main.log).not.toContain('Building linux/amd64');
      expect(readdirSync(toolCache)).toEqual([]);
      expect(run.post.exitCode).toBe(0);
      expect(leftovers(run)).toEqual([]);
    } finally {
      server.corrupt = false;
    }
  });

  test.each([
    [
      1,
      'system',
      '0.9.1',
      /^docker buildx 0\.9\.1 on the runner is too old; this action needs 0\.10\.0 or newer\. Set 'buildx-version'/,
    ],
    [
      2,
      'system',
      'broken',
      /^docker buildx is not installed on the runner, and 'buildx-version' is 'system'\./,
    ],
    [
      3,
      'auto',
      '0.9.1',
      /^Cannot pick a buildx release: the runner's buildx is 0\.9\.1, older than 0\.10\.0, and 'buildx-url' is a mirror, which has no "latest"\. Set 'buildx-version' to a version/,
    ],
  ])(
    '%i: buildx-version %s with a runner buildx %s fails before any build',
    async (_n, version, runner, message) => {
      const config = fakeRunnerBuildx(runner);
      cleanups.push(config);
      const run = await build(
        { 'buildx-version': version, 'buildx-url': server.buildxUrl, ...LOOPBACK_HTTP },
        { DOCKER_CONFIG: config, RUNNER_TOOL_CACHE: dir('tool-cache') },
      );
      expect(run.main.exitCode).not.toBe(0);
      expect(errorsOf(run.main)).toMatch(message);
      expect(run.main.log).not.toContain('Building linux/amd64');
      expect(leftovers(run)).toEqual([]);
    },
  );

  test('registry binary: none on PATH, so the release is downloaded from the mirror, verified and cached', async () => {
    const toolCache = dir('tool-cache');
    const { PATH, dir: pathDir } = pathWithout(['registry', 'docker-registry']);
    cleanups.push(pathDir);
    server.requests.length = 0;
    const env = { RUNNER_TOOL_CACHE: toolCache, PATH };
    const inputs = { 'local-registry': 'binary', 'registry-url': server.registryUrl, ...LOOPBACK_HTTP };
    const run = await build(inputs, env);
    expect(errorsOf(run.main)).toBe('');
    expect(run.main.log).toContain('distribution registry 2.8.3 downloaded from');
    expect(server.requests.filter((r) => !r.startsWith('/objects/'))).toEqual([
      '/distribution/distribution/releases/download/v2.8.3/registry_2.8.3_linux_amd64.tar.gz.sha256',
      '/distribution/distribution/releases/download/v2.8.3/registry_2.8.3_linux_amd64.tar.gz',
    ]);
    expect(existsSync(path.join(toolCache, 'distribution-registry', '2.8.3', process.arch, 'registry'))).toBe(
      true,
    );
    expect(stateOf(run).registry?.pid).toBeGreaterThan(0);
    expect(leftovers(run)).toEqual([]);

    await buildAgain(inputs, env, 'distribution registry 2.8.3 from the tool cache');
  });

  test('registry container: two runs at once (container, and auto without a binary) never collide; post removes both', async () => {
    const image = `multiarch-test-registry:${randomBytes(4).toString('hex')}`;
    buildRegistryImage(image);
    const { PATH, dir: pathDir } = pathWithout(['registry', 'docker-registry']);
    cleanups.push(pathDir);
    try {
      const runs = await Promise.all(
        ['container', 'auto'].map((mode) =>
          build({ 'local-registry': mode, 'registry-image': image }, { PATH }),
        ),
      );
      const states = runs.map(stateOf);
      for (const [i, run] of runs.entries()) {
        expect(errorsOf(run.main)).toBe('');
        const state = states[i];
        expect(state?.registry?.container).toBe(`multiarch-registry-${state?.runId}`);
        expect(run.main.log).toContain(`(container multiarch-registry-${state?.runId})`);
        expect(run.outputs.digest).toMatch(/^sha256:/);
        expect(leftovers(run)).toEqual([]);
      }
      expect(states[0]?.registry?.address).not.toBe(states[1]?.registry?.address);
      expect(states[0]?.runId).not.toBe(states[1]?.runId);
    } finally {
      execFileSync('docker', ['image', 'rm', '--force', image], { stdio: 'ignore' });
    }
  });

  test('registry container with an image the engine cannot get: a clear error naming it, nothing left', async () => {
    const image = 'multiarch-test-missing/registry:none';
    const run = await build({ 'local-registry': 'container', 'registry-image': image }, {});
    expect(run.main.exitCode).not.toBe(0);
    expect(errorsOf(run.main)).toMatch(
      /^Cannot start the local registry container from 'multiarch-test-missing\/registry:none': .+\. Pull the image first or set 'registry-image'/,
    );
    expect(errorsOf(run.main)).not.toContain('\n');
    expect(leftovers(run)).toEqual([]);
  });

  test('docker-container builder whose BuildKit image cannot be pulled: a clear error naming it; post removes the builder', async () => {
    const config = dir('docker-config');
    const image = 'multiarch-test-missing/buildkit:none';
    const run = await build(
      { driver: 'docker-container', 'buildkit-image': image },
      { DOCKER_CONFIG: config },
    );
    expect(run.main.exitCode).not.toBe(0);
    const state = stateOf(run);
    expect(state.builder).toBe(`multiarch-${state.runId}`);
    expect(errorsOf(run.main)).toMatch(
      new RegExp(
        `^Cannot start the docker-container builder ${state.builder} from BuildKit image 'multiarch-test-missing/buildkit:none': .+\\. Check 'buildkit-image'`,
      ),
    );
    expect(errorsOf(run.main)).not.toContain('\n');
    expect(run.post.log).toContain(`Removed builder ${state.builder}`);
    expect(readdirSync(path.join(config, 'buildx', 'instances'))).toEqual([]);
    expect(leftovers(run)).toEqual([]);
  });
});
