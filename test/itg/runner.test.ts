// The wrong runner: build mode without a Docker engine (or without docker)
// fails at once saying what it needs; merge-only mode never calls docker.
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { errorsOf, runAction } from '../../support/action-runner.js';
import { pushImage, readManifest, sha256 } from '../../support/images.js';
import { useExampleTarget } from '../helpers/example-target.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';

const skip = skipWithoutPrereqs();

function nothingRan(log: string): void {
  for (const phase of ['Checking targets', 'Registering QEMU emulators', 'Setting up buildx', 'Building '])
    expect(log).not.toContain(`::group::${phase}`);
}

describe.skipIf(skip)('the wrong runner', () => {
  const h = useExampleTarget('hello', 'no-docker-bin-');

  test('an engine that does not answer fails at once, naming DOCKER_HOST', async () => {
    const started = Date.now();
    const run = await runAction(
      {
        platforms: 'linux/amd64,linux/arm64',
        context: h.context,
        tags: `${h.registry.address}/acme/x:1`,
        push: 'true',
      },
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
    const run = await runAction(
      { platforms: 'linux/amd64', context: h.context },
      { env: { PATH: h.scratch } },
    );
    expect(run.main.exitCode).not.toBe(0);
    expect(errorsOf(run.main)).toMatch(
      /^Build mode needs the docker CLI and a Docker engine; 'docker' is not installed/,
    );
    nothingRan(run.main.log);
  });

  test('merge-only mode never calls docker', async () => {
    const calls = path.join(h.scratch, 'calls');
    const fake = path.join(h.scratch, 'docker');
    writeFileSync(fake, `#!/bin/sh\necho "$@" >> '${calls}'\nexit 1\n`);
    chmodSync(fake, 0o755);
    const ep = { url: h.registry.url };
    await pushImage(ep, 'acme/src', { platform: 'linux/amd64' }, 'amd64');
    await pushImage(ep, 'acme/src', { platform: 'linux/arm64' }, 'arm64');
    const run = await runAction(
      {
        sources: `${h.registry.address}/acme/src:amd64, ${h.registry.address}/acme/src:arm64`,
        tags: `${h.registry.address}/acme/merged:1`,
        push: 'true',
      },
      { env: { PATH: `${h.scratch}:/usr/bin:/bin` } },
    );
    expect(errorsOf(run.main)).toBe('');
    expect(sha256(await readManifest(ep, 'acme/merged', '1'))).toBe(run.outputs.digest);
    expect(existsSync(calls), 'docker was called').toBe(false);
  });
});
