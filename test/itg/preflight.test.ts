// Pre-flight: a target that cannot be pushed to fails the run in seconds,
// before emulation, buildx or any build, naming the registry, the repository
// and where the credentials came from, and nothing reaches any target.
import { createServer } from 'node:net';
import { describe, expect, test } from 'vitest';
import { errorsOf, leaks, runAction } from '../../support/action-runner.js';
import { pushWithWrongPassword, useLoginRegistries } from '../helpers/login-registries.js';
import { catalog } from '../../support/registry.js';
import { listenSilently } from '../helpers/loopback-server.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';

const skip = skipWithoutPrereqs();

/** A loopback port nothing listens on (bound, then closed). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** Nothing slow ran: no emulation, no buildx set-up, no build. */
function nothingSlowRan(log: string): void {
  expect(log).toContain('Checking targets');
  for (const phase of [
    'Registering QEMU emulators',
    'Setting up buildx',
    'Starting local registry',
    'Building ',
  ])
    expect(log).not.toContain(`::group::${phase}`);
}

describe.skipIf(skip)('pre-flight of the targets', () => {
  const f = useLoginRegistries();
  const { user, password } = f;
  /** A linux/amd64 build of the fixture's context, pushed to `tags`. */
  const pushLinuxAmd64 = (tags: string, more: Record<string, string> = {}) =>
    runAction({ platforms: 'linux/amd64', context: f.context, tags, push: 'true', ...more });

  test('a wrong password fails before anything slow, naming registry, repository and user', async () => {
    const started = Date.now();
    const { run, wrong } = await pushWithWrongPassword(f, 'linux/amd64,linux/arm64');
    expect(run.main.exitCode).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
    nothingSlowRan(run.main.log);
    const error = errorsOf(run.main);
    expect(error).toMatch(new RegExp(`${f.secured.address}.*401`));
    expect(error).toContain('acme/denied');
    expect(error).toContain(`user '${user}' (from inputs 'username' and 'password')`);
    expect(leaks(run, wrong)).toEqual([]);
    expect(await catalog(f.secured.address, `${user}:${password}`)).not.toContain('acme/denied');
  });

  test('a registry that is not listening fails in seconds, naming the host and what to check', async () => {
    const address = `127.0.0.1:${await deadPort()}`;
    const started = Date.now();
    const run = await pushLinuxAmd64(`${address}/acme/nowhere:1.0`, { 'insecure-registries': address });
    expect(run.main.exitCode).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
    nothingSlowRan(run.main.log);
    expect(errorsOf(run.main)).toMatch(
      new RegExp(`Cannot reach ${address} to push acme/nowhere: ECONNREFUSED .*nothing listens there`),
    );
  });

  test('a host that takes the connection and never answers (a TLS handshake that hangs) fails in about 10 s', async () => {
    const silent = await listenSilently();
    const { address } = silent;
    try {
      const started = Date.now();
      const run = await pushLinuxAmd64(`${address}/acme/silent:1.0`);
      expect(run.main.exitCode).not.toBe(0);
      // 10 s per request in the pre-flight; the step ends then, not at undici's 30 s connect timeout.
      expect(Date.now() - started).toBeLessThan(20_000);
      nothingSlowRan(run.main.log);
      expect(errorsOf(run.main)).toContain(
        `Cannot reach ${address} to push acme/silent: ETIMEDOUT (no answer from ${address} within 10 s); the connection timed out`,
      );
    } finally {
      await silent.stop();
    }
  });

  test('the second of two targets refusing the credentials stops the run; the first gets nothing', async () => {
    const run = await pushLinuxAmd64(
      `${f.open.address}/acme/first:1.0\n${f.secured.address}/acme/second:1.0`,
      { network: 'host' },
    );
    expect(run.main.exitCode).not.toBe(0);
    nothingSlowRan(run.main.log);
    expect(errorsOf(run.main)).toMatch(new RegExp(`${f.secured.address}.*401.*anonymous access`));
    expect(await catalog(f.open.address)).not.toContain('acme/first');
  });

  test('push false contacts no target', async () => {
    const address = `127.0.0.1:${await deadPort()}`;
    const run = await runAction({
      platforms: 'linux/amd64',
      context: f.context,
      tags: `${address}/acme/unused:1.0`,
      push: 'false',
      network: 'host',
    });
    expect(errorsOf(run.main)).toBe('');
    expect(run.main.exitCode).toBe(0);
    expect(run.main.log).not.toContain('Checking targets');
  });
});
