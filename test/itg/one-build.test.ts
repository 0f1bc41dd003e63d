// Platforms that share a Dockerfile build in one `buildx build --platform a,b`
// where the engine can (Docker 26, containerd store), and still get a log
// group, digest, time, smoke test and named failure each; on Docker 20.10's
// classic store, and for 'platform-files', each platform builds on its own.
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { useTargetRegistry } from '../helpers/target-registry.js';
import { errorsOf, runAction, type ActionRun } from '../../support/action-runner.js';
import { busyboxContext } from '../../support/contexts.js';
import { catalog } from '../../support/registry.js';
import { engine, skipWithoutPrereqs } from '../helpers/prereqs.js';

const skip = skipWithoutPrereqs();
const { containerdStore } = engine();

const contextWith = (files: Record<string, string>): string => busyboxContext(files);

/** The text of each `::group::TITLE` … `::endgroup::` of a step's log. */
function groups(run: ActionRun): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of run.main.log.matchAll(/::group::(.*)\n([\s\S]*?)::endgroup::/g))
    found.set(m[1] ?? '', m[2] ?? '');
  return found;
}

describe.skipIf(skip)('one build per Dockerfile', () => {
  const t = useTargetRegistry();

  const inputs = (ctx: string, repo: string) => ({
    ...t.pushInputs(ctx, repo),
    platforms: 'linux/amd64,linux/arm64,linux/s390x',
    'no-cache': 'true',
    'platform-files': `linux/s390x=${ctx}/Dockerfile.s390x`,
    'test-command': 'test "$(cat /arch)" = "$(uname -m)"',
  });
  const files = {
    Dockerfile: 'RUN uname -m > /arch && echo "log-of-$(uname -m)"\n',
    'Dockerfile.s390x': 'RUN uname -m > /arch && echo "own-file-$(uname -m)"\n',
  };
  /** `files` built and pushed as `repo`, without an error. */
  async function buildFiles(repo: string): Promise<ActionRun> {
    const ctx = contextWith(files);
    t.dirs.push(ctx);
    const run = await runAction(inputs(ctx, repo));
    expect(errorsOf(run.main)).toBe('');
    return run;
  }

  test.runIf(containerdStore)(
    'Docker 26: amd64 and arm64 in one build, s390x (platform-files) on its own; each its group, digest and test',
    async () => {
      const run = await buildFiles('one/shared');
      expect(run.main.log).toContain(
        "Builds: in one build: linux/amd64, linux/arm64; each in a build of its own: linux/s390x (linux/s390x: own Dockerfile in 'platform-files')",
      );
      expect(run.main.log).toMatch(/\[command\]docker buildx build --platform linux\/amd64,linux\/arm64 /);
      expect(run.main.log).toMatch(
        /\[command\]docker buildx build --platform linux\/s390x --file \S+Dockerfile.s390x/,
      );
      const g = groups(run);
      expect(g.get('Building linux/amd64')).toContain('  log-of-x86_64');
      expect(g.get('Building linux/amd64')).not.toContain('aarch64');
      expect(g.get('Building linux/arm64')).toContain('  log-of-aarch64');
      expect(g.get('Building linux/s390x')).toContain('own-file-s390x');
      expect(g.get('Building 2 platforms: shared steps')).toContain('exporting to image');
      for (const p of ['amd64', 'arm64', 's390x']) expect(g.has(`Testing linux/${p}`)).toBe(true);
      // Each platform's digest is what the target's index lists for it.
      const index = JSON.parse(
        execFileSync(
          'skopeo',
          ['inspect', '--raw', '--tls-verify=false', `docker://${t.registry.address}/one/shared:1`],
          {
            encoding: 'utf8',
          },
        ),
      ) as { manifests: { digest: string; platform: { architecture: string } }[] };
      const served = Object.fromEntries(
        index.manifests.map((m) => [`linux/${m.platform.architecture}`, m.digest]),
      );
      expect(served).toEqual(JSON.parse(run.outputs['platform-digests'] ?? '{}'));
      const meta = JSON.parse(run.outputs.metadata ?? '{}') as {
        platforms: { platform: string; build: string; seconds: number }[];
      };
      expect(meta.platforms.map((p) => [p.platform, p.build])).toEqual([
        ['linux/amd64', 'one build'],
        ['linux/arm64', 'one build'],
        ['linux/s390x', 'own build'],
      ]);
      expect(meta.platforms.every((p) => p.seconds > 0)).toBe(true);
      expect(run.summary).toContain('<th>Build</th>');
      expect(run.summary).toContain('<td>one build</td>');
    },
  );

  test.skipIf(containerdStore)(
    'Docker 20.10 (classic store): every platform in a build of its own, and the log says why',
    async () => {
      const run = await buildFiles('one/own');
      expect(run.main.log).toMatch(
        /Builds: each in a build of its own: linux\/amd64, linux\/arm64, linux\/s390x \(the docker driver on the classic image store builds one platform per build/,
      );
      expect(run.main.log).not.toMatch(/--platform linux\/amd64,/);
      const g = groups(run);
      expect(g.get('Building linux/arm64')).toContain('log-of-aarch64');
      expect(run.summary).toContain('<td>own build</td>');
    },
  );

  test.runIf(containerdStore)(
    'Docker 26: a failure in the one build names its platform, and that group holds its log and error',
    async () => {
      const ctx = contextWith({
        Dockerfile:
          'RUN echo "log-of-$(uname -m)" && test "$(uname -m)" != aarch64 || { echo "deliberate failure"; exit 3; }\n',
      });
      t.dirs.push(ctx);
      const run = await runAction({ ...inputs(ctx, 'one/broken'), 'platform-files': '' });
      expect(run.main.exitCode).not.toBe(0);
      expect(errorsOf(run.main)).toMatch(
        /^Building linux\/arm64 failed \(exit code 1\): .*deliberate failure/s,
      );
      const g = groups(run);
      expect(g.get('Building linux/arm64')).toMatch(/deliberate failure\n\s+ERROR: process/);
      expect(g.get('Building linux/amd64')).not.toContain('\n  deliberate failure');
      expect(await catalog(t.registry.address)).not.toContain('one/broken');
    },
  );
});
