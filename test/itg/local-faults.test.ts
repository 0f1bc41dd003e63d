// Faults of the runner during the builds (issue 15, item 3), each real: the
// local registry killed by pid, RUNNER_TEMP on a 20 MB tmpfs, a RUN step
// killed with SIGKILL (exit 137, what the OOM killer does). Each fails naming
// the fault, not the Dockerfile; nothing is tagged; post cleans up.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { errorsOf, startAction, type ActionRun } from '../../support/action-runner.js';
import { addBusybox } from '../../support/contexts.js';
import { catalog } from '../../support/registry.js';
import { useTargetRegistry } from '../helpers/target-registry.js';
import { skipWithoutPrereqs } from '../helpers/prereqs.js';
import { alive } from '../helpers/processes.js';

const skip = skipWithoutPrereqs();

function context(steps: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ctx-fault-'));
  addBusybox(dir);
  writeFileSync(
    path.join(dir, 'Dockerfile'),
    'FROM scratch\nARG TARGETARCH\nCOPY busybox/${TARGETARCH} /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n' +
      steps,
  );
  return dir;
}

function engineImages(prefix: string): string[] {
  const out = execFileSync('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'], {
    encoding: 'utf8',
  });
  return out.split('\n').filter((l) => l.startsWith(prefix));
}

/** Post removed the registry, its images in the engine and the run dir. */
function expectCleanedUp(run: ActionRun): void {
  expect(run.post.exitCode).toBe(0);
  const state = JSON.parse(run.state['multiarch-state'] ?? '{}') as {
    registry: { pid: number; address: string };
  };
  expect(alive(state.registry.pid)).toBe(false);
  expect(engineImages(state.registry.address)).toEqual([]);
  expect(readdirSync(run.runnerTemp).filter((d) => d.startsWith('multiarch-'))).toEqual([]);
}

describe.skipIf(skip)('local faults during the builds', () => {
  const t = useTargetRegistry();
  const dirs = t.dirs;
  const inputs = (ctx: string, repo: string) => ({
    ...t.pushInputs(ctx, repo),
    platforms: 'linux/amd64',
    'no-cache': 'true',
    'local-registry': 'binary',
  });

  test('the local registry killed by pid during a build: named as the cause', async () => {
    const ctx = context('RUN sleep 3 && echo built > /built\n');
    dirs.push(ctx);
    const started = startAction(inputs(ctx, 'faults/killed'));
    await started.main.waitFor('Building linux/amd64').catch(async (err: unknown) => {
      await started.finish(); // post still cleans up what the run started
      throw err;
    });
    const pid = Number(/Local registry at \S+ \(pid (\d+)\)/.exec(started.main.output())?.[1]);
    expect(alive(pid)).toBe(true);
    const killed = Date.now();
    process.kill(pid, 'SIGKILL');
    const run = await started.finish();
    console.log(`registry killed -> main failed in ${(Date.now() - killed) / 1000} s (incl. post)`);
    expect(run.main.exitCode).not.toBe(0);
    expect(errorsOf(run.main)).toContain(
      `Building linux/amd64 failed: the local registry (pid ${pid}) exited during the build, so the image could not be pushed to it.`,
    );
    expect(await catalog(t.registry.address)).not.toContain('faults/killed');
    expectCleanedUp(run);
  });

  test('RUNNER_TEMP full (a 20 MB tmpfs): named with its path and free space', async () => {
    const ctx = context('RUN head -c 30000000 /dev/urandom > /big\n');
    dirs.push(ctx);
    const temp = mkdtempSync(path.join(os.tmpdir(), 'small-temp-'));
    dirs.push(temp);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=20m', 'tmpfs', temp]);
    try {
      const runnerTemp = path.join(temp, 'runner-temp');
      mkdirSync(runnerTemp);
      const t0 = Date.now();
      const run = await startAction(inputs(ctx, 'faults/full'), { runnerTemp }).finish();
      console.log(`RUNNER_TEMP full -> main and post ended in ${(Date.now() - t0) / 1000} s`);
      expect(run.main.exitCode).not.toBe(0);
      expect(errorsOf(run.main)).toMatch(
        new RegExp(
          `Building linux/amd64 failed: no space left on device\\. RUNNER_TEMP \\(${runnerTemp.replace(/[/.]/g, '\\$&')}, \\d+ MB free\\) holds the local registry`,
        ),
      );
      expect(await catalog(t.registry.address)).not.toContain('faults/full');
      expectCleanedUp(run);
    } finally {
      execFileSync('umount', [temp]);
    }
  });

  test('a build killed with SIGKILL (exit 137): out of memory, with the fix', async () => {
    // The step's shell is pid 1 of its namespace, which a SIGKILL from inside cannot kill: a
    // child shell kills itself (the command after it keeps the step's shell from exec'ing it).
    const ctx = context("RUN sh -c 'kill -9 $$' && echo not reached\n");
    dirs.push(ctx);
    const t0 = Date.now();
    const run = await startAction({ ...inputs(ctx, 'faults/oom'), 'max-parallel': '2' }).finish();
    console.log(`exit 137 -> main and post ended in ${(Date.now() - t0) / 1000} s`);
    expect(run.main.exitCode).not.toBe(0);
    const error = errorsOf(run.main);
    expect(error).toContain(
      'Building linux/amd64 was killed (exit code 137, SIGKILL), most likely out of memory',
    );
    expect(error).toContain("Set 'max-parallel' lower (now 2)");
    expect(await catalog(t.registry.address)).not.toContain('faults/oom');
    expectCleanedUp(run);
  });
});
