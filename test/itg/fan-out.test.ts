// Scale-out across runners, simulated: separate processes, each with its own
// RUNNER_TEMP, docker config and local registry, build one platform each into
// one shared target by digest only.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { errorsOf, runAction } from '../../support/action-runner.js';
import { exampleContext } from '../../support/contexts.js';
import { actionSteps, fillExpressions, retarget } from '../helpers/examples.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';
import { useExampleTarget } from '../helpers/example-target.js';

const skip = skipWithoutPrereqs();
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/s390x'];

describe.skipIf(skip)('fan-out over runners', () => {
  const h = useExampleTarget('hello', 'digests-');

  test('each runner pushes its platform by digest only and writes a digest file; no tag moves', async () => {
    const runs = await Promise.all(
      PLATFORMS.map((platform) => {
        const dockerConfig = mkdtempSync(path.join(os.tmpdir(), 'runner-docker-'));
        writeFileSync(path.join(dockerConfig, 'config.json'), '{}');
        const slug = platform.replace(/\//g, '-');
        return runAction(
          {
            platforms: platform,
            context: h.context,
            tags: `${h.registry.address}/acme/fanned:1.0`,
            'push-by-digest': 'true',
            'digest-file': path.join(h.scratch, `${slug}.json`),
            network: 'host',
          },
          { env: { DOCKER_CONFIG: dockerConfig } },
        );
      }),
    );
    for (const run of runs) expect(errorsOf(run.main)).toBe('');
    const files = PLATFORMS.map(
      (p) =>
        JSON.parse(readFileSync(path.join(h.scratch, `${p.replace(/\//g, '-')}.json`), 'utf8')) as {
          repository: string;
          platforms: Record<string, string>;
        },
    );
    files.forEach((f, i) => {
      expect(f.repository).toBe(`${h.registry.address}/acme/fanned`);
      expect(Object.keys(f.platforms)).toEqual([PLATFORMS[i]]);
      const digest = f.platforms[PLATFORMS[i] ?? ''] ?? '';
      // Served by digest, checked by skopeo...
      const raw = execFileSync('skopeo', [
        'inspect',
        '--raw',
        '--tls-verify=false',
        `docker://${f.repository}@${digest}`,
      ]);
      expect(raw.length).toBeGreaterThan(0);
    });
    // ...and no tag exists.
    const tags = (await (await fetch(`http://${h.registry.address}/v2/acme/fanned/tags/list`)).json()) as {
      tags: string[] | null;
    };
    expect(tags.tags ?? []).toEqual([]);
  });

  test('the merge job merges the digest files: one index push, no blob upload, the same index a single run builds', async () => {
    const merge = await runAction({
      'sources-from': h.scratch,
      tags: `${h.registry.address}/acme/fanned:1.0`,
      push: 'true',
    });
    expect(errorsOf(merge.main)).toBe('');
    expect(merge.main.log).toMatch(/Blobs: 0 uploaded \(0 bytes\)/);
    expect(merge.main.log).not.toContain('::group::Building');
    const single = await runAction({
      platforms: PLATFORMS.join(','),
      context: h.context,
      tags: `${h.registry.address}/acme/single:1.0`,
      push: 'true',
      network: 'host',
    });
    expect(errorsOf(single.main)).toBe('');
    const manifests = (ref: string) =>
      (
        JSON.parse(
          execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`], {
            encoding: 'utf8',
          }),
        ) as {
          manifests: { digest: string; platform: { os: string; architecture: string } }[];
        }
      ).manifests
        .map((m) => `${m.platform.os}/${m.platform.architecture} ${m.digest}`)
        .sort();
    expect(manifests(`${h.registry.address}/acme/fanned:1.0`)).toEqual(
      manifests(`${h.registry.address}/acme/single:1.0`),
    );
    expect(merge.outputs.digest).toBe(single.outputs.digest);
  });

  test('examples/matrix: its build steps per matrix row, then its merge step, as the workflow runs them', async () => {
    const [build, mergeStep] = actionSteps('matrix');
    const temp = mkdtempSync(path.join(os.tmpdir(), 'runner-temp-'));
    const table = (row: Record<string, string>) => ({
      ...row,
      'runner.temp': temp,
      'github.repository': 'acme/demo',
      'github.actor': '',
      'secrets.GITHUB_TOKEN': '',
    });
    const rows = [
      { 'matrix.platform': 'linux/amd64', 'strategy.job-index': '0' },
      { 'matrix.platform': 'linux/arm64', 'strategy.job-index': '1' },
    ];
    execFileSync('mkdir', ['-p', path.join(temp, 'digests')]);
    const ctx = exampleContext('matrix');
    try {
      for (const row of rows) {
        const inputs = Object.fromEntries(
          Object.entries(build ?? {}).map(([k, v]) => [k, fillExpressions(v, table(row))]),
        );
        inputs.tags = retarget(inputs.tags ?? '', h.registry.address);
        const run = await runAction({ ...inputs, network: 'host' }, { cwd: ctx });
        expect(errorsOf(run.main)).toBe('');
      }
      const inputs = Object.fromEntries(
        Object.entries(mergeStep ?? {}).map(([k, v]) => [k, fillExpressions(v, table({}))]),
      );
      inputs.tags = retarget(inputs.tags ?? '', h.registry.address);
      const merged = await runAction(inputs);
      expect(errorsOf(merged.main)).toBe('');
      expect(Object.keys(JSON.parse(merged.outputs['platform-digests'] ?? '{}') as object).sort()).toEqual([
        'linux/amd64',
        'linux/arm64',
      ]);
    } finally {
      rmSync(ctx, { recursive: true, force: true });
      rmSync(temp, { recursive: true, force: true });
    }
  });
});
