// Runs on shared and self-hosted machines: cancellation, concurrent jobs and
// crashed runs (on the runner's engine, and on an existing builder's other
// engine), each with the real engines and registries.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createServer, type Server } from 'node:http';
import { afterAll, describe, expect, test } from 'vitest';
import { errorsOf, parseFileCommands, runAction, startAction } from '../../support/action-runner.js';
import { addBusybox, exampleContext } from '../../support/contexts.js';
import { useExampleTarget } from '../helpers/example-target.js';
import { useOtherEngine } from '../helpers/other-engine.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';
import { alive, waitUntilNoneWith } from '../helpers/processes.js';
import { catalog, startRegistry } from '../../support/registry.js';

const skip = skipWithoutPrereqs();

function engineImages(prefix: string): string[] {
  const out = execFileSync('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'], {
    encoding: 'utf8',
  });
  return out.split('\n').filter((l) => l.startsWith(prefix));
}

/** The post state main saved in a run's state file (beside its RUNNER_TEMP); a registry binary's pid. */
function savedState(runnerTemp: string): { registry: { pid: number; address: string } } {
  const file = readFileSync(path.join(runnerTemp, '..', 'state'), 'utf8');
  return JSON.parse(parseFileCommands(file)['multiarch-state'] ?? '{}') as {
    registry: { pid: number; address: string };
  };
}

/** Records which paths were requested: a RUN step reports its start and its end. */
function recorder(): Promise<{ server: Server; url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.url ?? '');
    res.end('ok\n');
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({ server, url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`, seen });
    }),
  );
}

describe.skipIf(skip)('hardening', () => {
  const h = useExampleTarget('hello');

  test('SIGTERM while a platform builds stops the build, pushes nothing, and post still cleans up', async () => {
    const ctx = mkdtempSync(path.join(os.tmpdir(), 'ctx-cancel-'));
    addBusybox(ctx);
    writeFileSync(
      path.join(ctx, 'Dockerfile'),
      'FROM scratch\nARG TARGETARCH\nCOPY busybox/${TARGETARCH} /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n' +
        'ARG REC\nRUN wget -q -O- "$REC/start" && sleep 20 && wget -q -O- "$REC/end"\n',
    );
    const rec = await recorder();
    try {
      const started = startAction({
        platforms: 'linux/arm64',
        context: ctx,
        tags: `${h.registry.address}/cancel/app:1`,
        push: 'true',
        network: 'host',
        'no-cache': 'true',
        'build-args': `REC=${rec.url}`,
      });
      await started.main.waitFor('::group::Building linux/arm64');
      while (!rec.seen.includes('/start')) await new Promise((r) => setTimeout(r, 100));
      started.main.child.kill('SIGTERM');
      const run = await started.finish();
      expect(run.main.exitCode).not.toBe(0);
      expect(run.main.log).toContain(
        'Cancelled by SIGTERM: stopping running builds and uploads; nothing more will be pushed.',
      );
      expect(errorsOf(run.main)).toContain(
        'Cancelled by SIGTERM: running builds and uploads were stopped; no blob reached any target; nothing was tagged.',
      );
      // The RUN step would report its end 20 s after its start: give it that long, it must not come.
      await new Promise((r) => setTimeout(r, 22_000));
      expect(rec.seen).toEqual(['/start']);
      expect(await catalog(h.registry.address)).not.toContain('cancel/app');
      const state = JSON.parse(run.state['multiarch-state'] ?? '{}') as {
        registry: { pid: number; address: string };
      };
      expect(alive(state.registry.pid)).toBe(false);
      expect(engineImages(state.registry.address)).toEqual([]);
      expect(readFileSync(path.join(run.runnerTemp, '..', 'state'), 'utf8')).toContain('multiarch-state');
    } finally {
      rec.server.close();
      rmSync(ctx, { recursive: true, force: true });
    }
  });

  test('two runs at once on one machine use separate ports, storage and images, and both succeed', async () => {
    const [one, two] = await Promise.all(
      ['one', 'two'].map((name) =>
        runAction({
          platforms: 'linux/amd64,linux/arm64',
          context: h.context,
          tags: `${h.registry.address}/concurrent/${name}:1`,
          push: 'true',
          network: 'host',
        }),
      ),
    );
    expect([errorsOf(one!.main), errorsOf(two!.main)]).toEqual(['', '']);
    const s1 = JSON.parse(one!.state['multiarch-state'] ?? '{}') as {
      registry: { address: string; dir: string };
    };
    const s2 = JSON.parse(two!.state['multiarch-state'] ?? '{}') as {
      registry: { address: string; dir: string };
    };
    expect(s1.registry.address).not.toBe(s2.registry.address);
    expect(s1.registry.dir).not.toBe(s2.registry.dir);
    expect(await catalog(h.registry.address)).toEqual(
      expect.arrayContaining(['concurrent/one', 'concurrent/two']),
    );
  });

  test("a crashed run's registry and images are cleaned by the next run; others' registries are never touched", async () => {
    // A ledger of this test's own: any other run on the machine (another job, a
    // run some earlier test left going) would rightly clean the crashed run first.
    const ledgerRoot = mkdtempSync(path.join(os.tmpdir(), 'ledger-'));
    const env = { MULTIARCH_LEDGER_DIR: path.join(ledgerRoot, 'runs') };
    const crashed = startAction({ platforms: 'linux/amd64', context: h.context, network: 'host' }, { env });
    await crashed.main.waitFor('::group::Building linux/amd64');
    crashed.main.child.kill('SIGKILL');
    const dead = await crashed.finish({ skipPost: true });
    const state = savedState(dead.runnerTemp);
    expect(alive(state.registry.pid)).toBe(true);
    // Killing node alone leaves its build going (a runner ends the whole job's tree); let it
    // end, so the images it tags are there before the next run, not made after its clean-up.
    expect(await waitUntilNoneWith(`${state.registry.address}/build:`, 60_000)).toEqual([]);
    rmSync(dead.runnerTemp, { recursive: true, force: true }); // what a self-hosted runner does between jobs

    const next = await runAction({ platforms: 'linux/amd64', context: h.context, network: 'host' }, { env });
    rmSync(ledgerRoot, { recursive: true, force: true });
    expect(errorsOf(next.main)).toBe('');
    // On failure, the lines that say what became of the entry (the log is long).
    const about = next.main.log.split('\n').filter((l) => /crash|ledger|::warning::/i.test(l));
    expect(next.main.log, about.join('\n')).toMatch(
      new RegExp(`Cleaned up after crashed run .*registry pid ${state.registry.pid}`),
    );
    expect(alive(state.registry.pid)).toBe(false);
    expect(engineImages(state.registry.address)).toEqual([]);
    // The test's own registry (also docker-registry, not the action's) still serves.
    expect((await fetch(`http://${h.registry.address}/v2/`)).status).toBe(200);
  });
});

describe.skipIf(skip)('inputs are data, never shell', () => {
  test('quotes, $(...) and spaces in labels, build-args and paths reach the build verbatim and run nothing', async () => {
    const canary = path.join(os.tmpdir(), `pwned-${process.pid}`);
    rmSync(canary, { force: true });
    const base = mkdtempSync(path.join(os.tmpdir(), 'ctx-'));
    const ctx = path.join(base, `dir with 'quotes' and $(touch ${canary})`);
    execFileSync('mkdir', ['-p', ctx]);
    addBusybox(ctx);
    writeFileSync(
      path.join(ctx, 'Dockerfile'),
      'FROM scratch\nARG TARGETARCH\nCOPY busybox/${TARGETARCH} /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\nARG V\nRUN ["/bin/busybox", "sh", "-c", "printf %s \\"$V\\" > /v"]\n',
    );
    const tricky = `a "quoted" $(touch ${canary}) \`touch ${canary}\` 'x'; touch ${canary}`;
    const registry = await startRegistry();
    try {
      const repo = `${registry.address}/verbatim/app`;
      const run = await runAction({
        platforms: 'linux/amd64',
        context: ctx,
        tags: `${repo}:1`,
        push: 'true',
        network: 'host',
        labels: `org.example.tricky=${tricky}`,
        'build-args': `V=${tricky}`,
      });
      expect(errorsOf(run.main)).toBe('');
      const pinned = `${repo}@${run.outputs.digest}`;
      const config = JSON.parse(
        execFileSync('skopeo', ['inspect', '--config', '--tls-verify=false', `docker://${pinned}`], {
          encoding: 'utf8',
        }),
      ) as { config: { Labels: Record<string, string> } };
      expect(config.config.Labels['org.example.tricky']).toBe(tricky);
      try {
        expect(
          execFileSync('docker', ['run', '--rm', '--network', 'host', pinned, 'cat', '/v'], {
            encoding: 'utf8',
          }),
        ).toBe(tricky);
      } finally {
        execFileSync('docker', ['image', 'rm', '--force', pinned], { stdio: 'ignore' });
      }
      expect(existsSync(canary)).toBe(false);
    } finally {
      await registry.stop();
      rmSync(base, { recursive: true, force: true });
    }
  });

  test.each([
    [
      1,
      { tags: 'ghcr.io/acme/app:$(whoami)' },
      /Input 'tags' has invalid reference 'ghcr.io\/acme\/app:\$\(whoami\)'/,
    ],
    [2, { tags: 'ghcr.io/acme/app:1;rm -rf /' }, /Input 'tags' has invalid reference/],
    [3, { platforms: 'linux/amd64;reboot' }, /unknown platform 'linux\/amd64;reboot'/],
    [4, { network: 'host --privileged' }, /Input 'network' is 'host --privileged'/],
  ])(
    '%i: shell syntax where it cannot belong is rejected before any build: %j',
    async (_n, inputs, message) => {
      const run = await runAction({ context: exampleContext('hello'), ...inputs });
      expect(errorsOf(run.main)).toMatch(message);
      expect(run.main.log).not.toContain('::group::Building');
    },
  );
});

describe.skipIf(skip)('local services', () => {
  test('the local registry listens on 127.0.0.1 only', async () => {
    const started = startAction({
      platforms: 'linux/amd64',
      context: exampleContext('hello'),
      network: 'host',
    });
    await started.main.waitFor('::group::Building linux/amd64');
    const port = Number(savedState(started.runnerTemp).registry.address.split(':')[1]);
    // /proc/net/tcp{,6}: local address:port in hex, state 0A = LISTEN.
    const listening = ['/proc/net/tcp', '/proc/net/tcp6']
      .flatMap((f) => readFileSync(f, 'utf8').split('\n').slice(1))
      .map((l) => l.trim().split(/\s+/))
      .filter((cols) => cols[3] === '0A' && parseInt((cols[1] ?? '').split(':')[1] ?? '', 16) === port)
      .map((cols) => (cols[1] ?? '').split(':')[0]);
    expect(listening).toEqual(['0100007F']);
    const run = await started.finish();
    expect(errorsOf(run.main)).toBe('');
  });
});

describe.skipIf(skip)("a crashed run on an existing builder's engine", () => {
  const engine = useOtherEngine(`crash-engine-${randomBytes(3).toString('hex')}`);
  const context = exampleContext('hello');
  afterAll(() => rmSync(context, { recursive: true, force: true }));

  test('the next run removes the images it left on that engine, as post would', async () => {
    const ledgerRoot = mkdtempSync(path.join(os.tmpdir(), 'ledger-'));
    const env = { ...engine.env, MULTIARCH_LEDGER_DIR: path.join(ledgerRoot, 'runs') };
    const inputs = { platforms: 'linux/amd64', context, network: 'host' };
    // Killed while its smoke test runs: the build is in the other engine's store by then.
    const crashed = startAction({ ...inputs, builder: engine.context, 'test-command': 'sleep 30' }, { env });
    await crashed.main.waitFor('::group::Testing linux/amd64');
    crashed.main.child.kill('SIGKILL');
    const dead = await crashed.finish({ skipPost: true });
    const address = savedState(dead.runnerTemp).registry.address;
    const tagsThere = () =>
      engine
        .docker('--context', engine.context, 'image', 'ls', '--format', '{{.Repository}}:{{.Tag}}')
        .split('\n')
        .filter((r) => r.includes(address));
    try {
      expect(tagsThere().length).toBeGreaterThan(0);
      rmSync(dead.runnerTemp, { recursive: true, force: true }); // what a self-hosted runner does between jobs

      const next = await runAction(inputs, { env });
      expect(errorsOf(next.main)).toBe('');
      expect(next.main.log).toMatch(
        new RegExp(`Cleaned up after crashed run .*\\(also on ${engine.context}\\)`),
      );
      expect(tagsThere()).toEqual([]);
    } finally {
      rmSync(ledgerRoot, { recursive: true, force: true });
      const left = tagsThere();
      if (left.length) engine.docker('--context', engine.context, 'image', 'rm', '--force', ...left);
    }
  });
});
