// The reusable workflow's plan step (.github/actions/fan-out-plan/plan.mjs),
// run as the runner runs it: platform -> runner label(s), artifact prefix.
import { describe, expect, test } from 'vitest';
import { matrixRows, runPlan } from '../helpers/reusable-workflow.js';

const ARM = ['self-hosted', 'linux', 'ARM64'];

describe('runner per platform', () => {
  test.each([
    // [#, platforms, runners, expected runner per platform]
    [1, 'linux/amd64,linux/arm64,linux/s390x', '', ['ubuntu-24.04', 'ubuntu-24.04-arm', 'ubuntu-24.04']],
    [2, 'amd64\narm64', '', ['ubuntu-24.04', 'ubuntu-24.04-arm']],
    [3, 'linux/arm64/v8,linux/arm/v7', '', ['ubuntu-24.04-arm', 'ubuntu-24.04']],
    [4, 'linux/arm64,linux/arm/v7', 'linux/arm*=["self-hosted","linux","ARM64"]', [ARM, ARM]],
    [5, 'linux/arm64,linux/arm/v7', 'linux/arm*=big-arm\nlinux/arm64=exact', ['exact', 'big-arm']],
    [6, 'linux/arm64,linux/arm/v7', 'linux/arm=v7-box', ['ubuntu-24.04-arm', 'v7-box']],
    [7, 'linux/amd64,linux/riscv64', 'default=my-runner', ['my-runner', 'my-runner']],
    [8, 'linux/amd64,linux/arm64', 'my-runner', ['my-runner', 'my-runner']],
    [9, 'linux/amd64,linux/ppc64le', 'default=big\nlinux/amd64=small', ['small', 'big']],
    [10, 'linux/arm64,linux/s390x', '{"linux/s390x":"z-box","linux/arm64":["a","b"]}', [['a', 'b'], 'z-box']],
    [11, 'linux/arm64', 'linux/*=first\nlinux/a*=second', ['second']],
    [12, 'linux/amd64,linux/arm64', '*=everything', ['everything', 'everything']],
  ])('%i: %j with runners %j', async (_n, platforms, runners, expected) => {
    const run = await runPlan({ platforms, runners, call: '{}' });
    expect(run.exitCode, run.log).toBe(0);
    expect(matrixRows(run).map((r) => r.runner)).toEqual(expected);
  });

  test('rows carry the normalized platform and a slug for file and artifact names', async () => {
    const run = await runPlan({ platforms: 'arm64, linux/arm/v7', call: '{}' });
    expect(matrixRows(run)).toEqual([
      { platform: 'linux/arm64', runner: 'ubuntu-24.04-arm', slug: 'linux-arm64' },
      { platform: 'linux/arm/v7', runner: 'ubuntu-24.04', slug: 'linux-arm-v7' },
    ]);
  });

  test.each([
    // [#, inputs, error]
    [1, { platforms: '' }, "No platform to build: 'platforms' is empty."],
    [2, { platforms: 'linux/amd64,amd64' }, "Platform 'linux/amd64' is listed twice in 'platforms'."],
    [3, { platforms: 'linux//x' }, "Platform 'linux//x' in 'platforms' is not OS/ARCH[/VARIANT]"],
    [4, { runners: 'linux/arm64=a\nx' }, "Line 'x' in 'runners' is not PLATFORM=LABEL."],
    [5, { runners: 'linux/arm64=' }, "Runner for 'linux/arm64' in 'runners' must be a label"],
    [6, { runners: 'linux/arm64=[]' }, "Runner for 'linux/arm64' in 'runners' must be a label"],
    [7, { runners: 'linux/arm64=["a",' }, "Runner for 'linux/arm64' in 'runners' is not valid JSON"],
    [8, { runners: '{"linux/arm64": 3}' }, "Runner for 'linux/arm64' in 'runners' must be a label"],
    [9, { runners: 'linux arm=x' }, "Pattern 'linux arm' in 'runners' is not a platform"],
    [10, { 'artifact-prefix': 'a_b' }, '\'artifact-prefix\' "a_b" may only hold letters, digits'],
  ])('%i: %j fails: %s', async (_n, inputs, error) => {
    const run = await runPlan({ platforms: 'linux/amd64,linux/arm64', call: '{}', ...inputs });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain(`::error::${error}`);
    expect(run.outputs).toEqual({});
  });
});

describe('artifact prefix', () => {
  const prefixOf = async (inputs: Record<string, string>) => {
    const run = await runPlan({ platforms: 'linux/amd64', ...inputs });
    expect(run.exitCode, run.log).toBe(0);
    return run.outputs.prefix ?? '';
  };

  test('two calls with different inputs get different prefixes; the same call always the same', async () => {
    const a = await prefixOf({ call: JSON.stringify({ tags: 'r/a:1', platforms: 'linux/amd64' }) });
    const b = await prefixOf({ call: JSON.stringify({ tags: 'r/b:1', platforms: 'linux/amd64' }) });
    expect(a).toMatch(/^digests-[0-9a-f]{12}$/);
    expect(b).toMatch(/^digests-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
    expect(await prefixOf({ call: JSON.stringify({ tags: 'r/a:1', platforms: 'linux/amd64' }) })).toBe(a);
  });

  test('an artifact-prefix input wins; it cannot hold _, which ends the prefix in PREFIX_SLUG', async () => {
    expect(await prefixOf({ call: '{}', 'artifact-prefix': 'app-1.x' })).toBe('app-1.x');
  });
});

// docker/metadata-action's json output, shaped as v5/v6 write it.
const META = JSON.stringify({
  tags: ['ghcr.io/acme/app:1.2.0', 'ghcr.io/acme/app:1.2'],
  labels: { 'org.opencontainers.image.version': '1.2.0', 'org.opencontainers.image.title': 'app' },
  annotations: ['manifest:org.opencontainers.image.version=1.2.0'],
});

describe('tags, labels and annotations with metadata-action', () => {
  test.each([
    // [#, inputs, tags, labels, annotations]
    [1, { tags: 'a.io/x:1', labels: 'k=v' }, 'a.io/x:1', 'k=v', ''],
    [2, { meta: META }, 'ghcr.io/acme/app:1.2.0\nghcr.io/acme/app:1.2', '', ''],
    [
      3,
      { tags: 'a.io/x:1,ghcr.io/acme/app:1.2', meta: META },
      'a.io/x:1\nghcr.io/acme/app:1.2\nghcr.io/acme/app:1.2.0',
      '',
      '',
    ],
    [
      4,
      {
        meta: META,
        labels: 'own=1',
        'set-meta-labels': 'true',
        'set-meta-annotations': 'true',
        annotations: 'index:a=b',
      },
      'ghcr.io/acme/app:1.2.0\nghcr.io/acme/app:1.2',
      'own=1\norg.opencontainers.image.version=1.2.0\norg.opencontainers.image.title=app',
      'index:a=b',
    ],
    [5, { push: 'false' }, '', '', ''],
  ])('%i: %j', async (_n, inputs, tags, labels, annotations) => {
    const run = await runPlan({ platforms: 'linux/amd64', call: '{}', ...inputs });
    expect(run.exitCode, run.log).toBe(0);
    expect([run.outputs.tags, run.outputs.labels, run.outputs.annotations]).toEqual([
      tags,
      labels,
      annotations,
    ]);
  });

  test.each([
    // [#, annotations, for the merge job, for the build jobs]
    [1, 'a=b\nindex:c=d', 'a=b\nindex:c=d', ''],
    [2, 'manifest:k=v', '', 'manifest:k=v'],
    [3, 'manifest,index:k=v=w', 'index:k=v=w', 'manifest:k=v=w'],
    [4, 'index,manifest[linux/arm64]:k=v', 'index[linux/arm64]:k=v', 'manifest[linux/arm64]:k=v'],
    [5, 'manifest-descriptor:k=v\nbogus:k=v', 'manifest-descriptor:k=v\nbogus:k=v', ''],
  ])('%i: %j splits by the job that sets it', async (_n, annotations, merge, build) => {
    const run = await runPlan({ platforms: 'linux/amd64', call: '{}', annotations });
    expect(run.exitCode, run.log).toBe(0);
    expect([run.outputs.annotations, run.outputs['build-annotations']]).toEqual([merge, build]);
  });

  test("metadata-action's manifest-level annotations go to the build jobs", async () => {
    const run = await runPlan({
      platforms: 'linux/amd64',
      call: '{}',
      meta: META,
      'set-meta-annotations': 'true',
    });
    expect(run.exitCode, run.log).toBe(0);
    expect(run.outputs['build-annotations']).toBe('manifest:org.opencontainers.image.version=1.2.0');
    expect(run.outputs.annotations).toBe('');
  });

  test.each([
    [1, { push: 'true' }, "Nothing to push to: 'tags' is empty and 'meta-images' gave no tag."],
    [2, { push: 'true', meta: '{not json' }, "docker/metadata-action's json output is not JSON"],
  ])('%i: %j is refused', async (_n, inputs, error) => {
    const run = await runPlan({ platforms: 'linux/amd64', call: '{}', ...inputs });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain(error);
  });
});
