// The wrong runner: build mode without a Docker engine (or without docker)
// fails at once saying what it needs; merge-only mode never calls docker.
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { errorsOf, runAction } from '../../support/action-runner.js';
import { exampleContext } from '../../support/contexts.js';
import { pushImage, readManifest, sha256 } from '../../support/images.js';
import { startRegistry, type TestRegistry } from '../../support/registry.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';

const skip = skipWithoutPrereqs();

function nothingRan(log: string): void {
  for (const phase of ['Checking targets', 'Registering QEMU emulators', 'Setting up buildx', 'Building '])
    expect(log).not.toContain(`::group::${phase}`);
}

describe.skipIf(skip)('the wrong runner', () => {
  let registry: TestRegistry;
  let context: string;
  let bin: string;

  beforeAll(async () => {
    registry = await startRegistry();
    context = exampleContext('hello');
    bin = mkdtempSync(path.join(os.tmpdir(), 'no-docker-bin-'));
  });
  afterAll(async () => {
    await registry?.stop();
    for (const d of [context, bin]) if (d) rmSync(d, { recursive: true, force: true });
  });

  test('an engine that does not answer fails at once, naming DOCKER_HOST', async () => {
    const started = Date.now();
    const run = await runAction(
      { platforms: 'linux/amd64,linux/arm64', context, tags: `${registry.address}/acme/x:1`, push: 'true' },
      { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } },
    );
    expect(run.main.exitCode).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(errorsOf(run.main)).toMatch(
      /^Build mode needs a running Docker engine, and 'docker version' cannot reach one: .*DOCKER_HOST is 'unix:\/\/\/nonexistent\/docker.sock'/,
    );
    nothingRan(run.main.log);
  });

  test('a runner without docker at all says to install it', async () => {
    const run = await runAction({ platforms: 'linux/amd64', context }, { env: { PATH: bin } });
    expect(run.main.exitCode).not.toBe(0);
    expect(errorsOf(run.main)).toMatch(
      /^Build mode needs the docker CLI and a Docker engine; 'docker' is not installed/,
    );
    nothingRan(run.main.log);
  });

  test('merge-only mode never calls docker', async () => {
    const calls = path.join(bin, 'calls');
    const fake = path.join(bin, 'docker');
    writeFileSync(fake, `#!/bin/sh\necho "$@" >> '${calls}'\nexit 1\n`);
    chmodSync(fake, 0o755);
    const ep = { url: registry.url };
    await pushImage(ep, 'acme/src', { platform: 'linux/amd64' }, 'amd64');
    await pushImage(ep, 'acme/src', { platform: 'linux/arm64' }, 'arm64');
    const run = await runAction(
      {
        sources: `${registry.address}/acme/src:amd64, ${registry.address}/acme/src:arm64`,
        tags: `${registry.address}/acme/merged:1`,
        push: 'true',
      },
      { env: { PATH: `${bin}:/usr/bin:/bin` } },
    );
    expect(errorsOf(run.main)).toBe('');
    expect(sha256(await readManifest(ep, 'acme/merged', '1'))).toBe(run.outputs.digest);
    expect(existsSync(calls), 'docker was called').toBe(false);
  });
});
