// 'builder': the build runs on an existing buildx builder, here the docker
// driver of the machine's other engine (a docker context, as
// `docker context create` makes it), and what the build may do follows that
// engine, not the runner's. Builders whose nodes cannot reach the loopback
// registry (a remote BuildKit elsewhere, a docker-container builder off the
// host network) and unknown names are refused before any build. All builders
// and contexts live in a docker config of the test's own.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { errorsOf, runAction } from '../../support/action-runner.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';
import { useOtherEngine } from '../helpers/other-engine.js';
import { useTargetRegistry } from '../helpers/target-registry.js';

const skip = skipWithoutPrereqs();

const suffix = randomBytes(3).toString('hex');

describe.skipIf(skip)("'builder': an existing builder", () => {
  const t = useTargetRegistry();
  const engine = useOtherEngine(`other-engine-${suffix}`);
  const { env, docker, context: other } = engine;
  const offHost = `off-host-${suffix}`;
  const elsewhere = `elsewhere-${suffix}`;
  let otherVersion = '';
  let otherContainerd = false;

  beforeAll(() => {
    otherVersion = docker('--context', other, 'version', '--format', '{{.Server.Version}}').trim();
    otherContainerd = docker('--context', other, 'info', '--format', '{{json .DriverStatus}}').includes(
      'io.containerd.snapshotter',
    );
    // Never booted: the action must refuse them from what inspect says, before starting anything.
    docker('buildx', 'create', '--name', offHost, '--driver', 'docker-container');
    docker('buildx', 'create', '--name', elsewhere, '--driver', 'remote', 'tcp://192.0.2.1:1234');
  });
  afterAll(() => {
    for (const b of [offHost, elsewhere]) docker('buildx', 'rm', b);
  });

  test("builds on the other engine's builder, names the node per platform, and removes its images there", async () => {
    const repo = `${t.registry.address}/builder/other`;
    const run = await runAction(
      {
        platforms: 'linux/amd64,linux/arm64',
        ...t.pushInputs(t.busyboxContext('RUN uname -m > /arch\n'), 'builder/other'),
        builder: other,
        'no-cache': 'true',
        // Attestations follow the builder's engine: only a containerd store can make them.
        provenance: otherContainerd ? 'mode=min' : 'false',
      },
      { env },
    );
    expect(errorsOf(run.main)).toBe('');
    const log = run.main.log;
    expect(log).toContain(`::group::Inspecting builder ${other}`);
    expect(log).toContain(`Builder ${other} (driver docker), 1 node(s):\n  ${other}: running, BuildKit `);
    expect(log).toContain(`Its engine: Docker ${otherVersion}`);
    for (const p of ['linux/amd64', 'linux/arm64']) expect(log).toContain(`${p} -> node ${other}`);
    // buildx's own build ref names the node that ran each build: the other engine's.
    if (otherContainerd) {
      expect(log).toContain('in one build');
      expect(log).toContain(`linux/amd64, linux/arm64 built on node ${other} of builder ${other}`);
    } else {
      expect(log).not.toContain('in one build');
      for (const p of ['linux/amd64', 'linux/arm64'])
        expect(log).toContain(`${p} built on node ${other} of builder ${other}`);
    }
    const index = JSON.parse(
      execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${repo}:1`], {
        encoding: 'utf8',
      }),
    ) as { manifests: { platform: { architecture: string } }[] };
    const archs = index.manifests.map((m) => m.platform.architecture);
    expect(archs.filter((a) => a !== 'unknown').sort()).toEqual(['amd64', 'arm64']);
    // Provenance manifests exist only when the other engine (not the runner's) could make them.
    expect(archs.includes('unknown')).toBe(otherContainerd);
    // The docker driver keeps a copy of each build in its engine: post removed it there.
    expect(run.post.log).toContain(`local build image(s) from the builder's engine (${other})`);
    const state = JSON.parse(run.state['multiarch-state'] ?? '{}') as { registry?: { address: string } };
    expect(state.registry?.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(engine.repositories().filter((r) => r.includes(state.registry?.address ?? '-'))).toEqual([]);
    expect(run.post.exitCode).toBe(0);
  });

  test("attestations follow the builder's engine: refused before any build where it cannot make them, whatever the runner's engine", async () => {
    // The runner's engine could (Docker 26) or could not (20.10): the builder's engine decides instead.
    const ctx = t.busyboxContext('RUN true\n');
    const run = await runAction(
      { platforms: 'linux/amd64', context: ctx, builder: other, network: 'host', provenance: 'true' },
      { env },
    );
    if (otherContainerd) expect(errorsOf(run.main)).toBe('');
    else expect(errorsOf(run.main)).toContain("Input 'provenance' asks for attestations");
  });

  test.each([
    // [#, builder, what the error must say]
    [1, () => `no-such-builder-${suffix}`, () => [`'no-such-builder-${suffix}'`, 'default', other]],
    [2, () => offHost, () => [`node ${offHost}0: its BuildKit container is not on the host network`]],
    [3, () => elsewhere, () => [`node ${elsewhere}0: it runs on another machine (tcp://192.0.2.1:1234)`]],
  ])('%i: a builder that cannot serve the run is refused before anything slow', async (_n, name, says) => {
    const ctx = t.busyboxContext('RUN true\n');
    const started = Date.now();
    const run = await runAction({ platforms: 'linux/amd64', context: ctx, builder: name() }, { env });
    expect(run.main.exitCode).not.toBe(0);
    const error = errorsOf(run.main);
    for (const text of says()) expect(error).toContain(text);
    // Nothing was built.
    expect(run.main.log).not.toContain('::group::Building');
    expect(run.main.log).not.toContain('::group::Starting local registry');
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
