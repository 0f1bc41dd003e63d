// Overlap: a platform's blobs go up to the target while another platform
// still builds; manifests and tags only after every platform succeeded, so a
// failed run leaves untagged blobs and no manifest on the target.
import { describe, expect, test } from 'vitest';
import { useTargetRegistry } from '../helpers/target-registry.js';
import { errorsOf, runAction } from '../../support/action-runner.js';
import { busyboxContext } from '../../support/contexts.js';
import { catalog, manifestsStored, tagsOf } from '../../support/registry.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';

const skip = skipWithoutPrereqs();

const contextWith = (s390x: string): string =>
  busyboxContext({ Dockerfile: 'RUN head -c 4194304 /dev/urandom > /blob\n', 'Dockerfile.s390x': s390x });

interface Task {
  label: string;
  start: number;
  end: number;
}

/** The gantt chart's tasks in the job summary: `  LABEL (1.2 s) :tags, START, END`. */
function tasks(summary: string): Task[] {
  return [...summary.matchAll(/^ {2}(.+) \(\d+\.\d s\) :[^,]*(?:, [^,]*)*?, (\d+), (\d+)$/gm)].map((m) => ({
    label: m[1] ?? '',
    start: Number(m[2]),
    end: Number(m[3]),
  }));
}

describe.skipIf(skip)('blobs go up while other platforms build', () => {
  const t = useTargetRegistry();

  // s390x builds on its own (its own Dockerfile), after amd64 (one build at a time), on both engines.
  const inputs = (ctx: string, repo: string) => ({
    ...t.pushInputs(ctx, repo),
    platforms: 'linux/amd64,linux/s390x',
    'max-parallel': '1',
    'no-cache': 'true', // s390x's RUN really runs while amd64's blobs go up
    'platform-files': `linux/s390x=${ctx}/Dockerfile.s390x`,
  });

  test("amd64's blobs are uploaded during s390x's build; the index is whole", async () => {
    const ctx = contextWith('RUN sleep 3 && head -c 1048576 /dev/urandom > /blob\n');
    t.dirs.push(ctx);
    const run = await runAction(inputs(ctx, 'early/ok'));
    expect(errorsOf(run.main)).toBe('');
    expect(run.main.log).toMatch(
      /Blobs: \d+ uploaded \(\d+ bytes\), \d+ mounted, \d+ already there; [1-9]\d* of these while other platforms built/,
    );
    const all = tasks(run.summary);
    const early = all.find((t) => t.label === 'linux/amd64 blobs, while others build');
    const s390x = all.find((t) => t.label.startsWith('linux/s390x '));
    expect(early, run.summary).toBeDefined();
    expect(s390x, run.summary).toBeDefined();
    expect(early!.start).toBeLessThan(s390x!.end); // started before s390x's build ended
    expect(run.outputs.digest).toMatch(/^sha256:/);
    const index = await fetch(`${t.registry.url}/v2/early/ok/manifests/1`, {
      headers: { accept: 'application/vnd.docker.distribution.manifest.list.v2+json' },
    });
    expect(index.headers.get('docker-content-digest')).toBe(run.outputs.digest);
    const listed = (await index.json()) as { manifests: { platform: { architecture: string } }[] };
    expect(listed.manifests.map((m) => m.platform.architecture)).toEqual(['amd64', 's390x']);
  });

  test("a later platform fails: the first one's blobs reached the target, but no manifest and no tag", async () => {
    const ctx = contextWith('RUN sleep 3 && false\n');
    t.dirs.push(ctx);
    const run = await runAction(inputs(ctx, 'early/failed'));
    expect(run.main.exitCode).not.toBe(0);
    expect(errorsOf(run.main)).toMatch(/linux\/s390x/);
    expect(await catalog(t.registry.address)).toContain('early/failed'); // blobs were uploaded early
    expect(manifestsStored(t.registry, 'early/failed')).toEqual([]);
    expect(await tagsOf(t.registry.address, 'early/failed')).toEqual([]);
  });
});
