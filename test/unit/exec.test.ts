// exec.ts decides on the exit code alone: an exit 1 with empty stderr fails.
import { expect, test } from 'vitest';
import { ExecError } from '../../src/errors.js';
import { run, setToolEnv } from '../../src/exec.js';

test('exit 1 with no output is a failure', async () => {
  await expect(run('sh', ['-c', 'exit 1'], { silent: true })).rejects.toBeInstanceOf(ExecError);
});

test('stderr with exit 0 is a success', async () => {
  const res = await run('sh', ['-c', 'echo warning >&2'], { silent: true });
  expect(res).toMatchObject({ exitCode: 0, stderr: 'warning\n' });
});

test('the error names the tool, the exit code and the meaningful lines', async () => {
  const err = await run('sh', ['-c', 'echo noise; echo "ERROR: no such thing" >&2; exit 7'], {
    silent: true,
  }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ExecError);
  expect((err as ExecError).message).toBe(
    'sh -c echo noise; echo "ERROR: no such thing" >&2; exit 7 failed with exit code 7: ERROR: no such thing',
  );
});

test('arguments are passed verbatim, never through a shell', async () => {
  const tricky = '$(touch /tmp/pwned) "quoted" \n newline';
  const res = await run('printf', ['%s', tricky], { silent: true });
  expect(res.stdout).toBe(tricky);
});

test("a tool's fixed environment reaches every run of it, under the caller's own env", async () => {
  setToolEnv('env', { MULTIARCH_FIXED: 'config-dir', MULTIARCH_BOTH: 'fixed' });
  try {
    const res = await run('env', [], { silent: true, env: { MULTIARCH_BOTH: 'caller' } });
    expect(res.stdout).toContain('MULTIARCH_FIXED=config-dir\n');
    expect(res.stdout).toContain('MULTIARCH_BOTH=caller\n');
    expect(res.stdout).toContain(`PATH=${process.env.PATH}\n`);
    const other = await run('sh', ['-c', 'echo "${MULTIARCH_FIXED:-unset}"'], { silent: true });
    expect(other.stdout).toBe('unset\n');
  } finally {
    setToolEnv('env', {});
  }
});

test.each<[number, boolean | undefined, boolean]>([
  [1, undefined, true],
  [2, true, true],
  [3, false, false],
])("%i: inheritEnv %s: the action's environment reaches the command: %s", async (_n, inheritEnv, seen) => {
  process.env.EXEC_TEST_SECRET = 'not-for-hooks';
  setToolEnv('/usr/bin/env', { FROM_TOOL: 'tool' });
  try {
    const res = await run('/usr/bin/env', [], { silent: true, env: { GIVEN: 'given' }, inheritEnv });
    expect(res.stdout.includes('EXEC_TEST_SECRET=not-for-hooks')).toBe(seen);
    expect(res.stdout).toContain('GIVEN=given');
    expect(res.stdout).toContain('FROM_TOOL=tool');
    if (!seen) expect(res.stdout.trim().split('\n').sort()).toEqual(['FROM_TOOL=tool', 'GIVEN=given']);
  } finally {
    delete process.env.EXEC_TEST_SECRET;
    setToolEnv('/usr/bin/env', {});
  }
});

test('a long output keeps its last 256 KiB, whole lines to the end', async () => {
  // 40,000 numbered lines (~350 KB): the start is dropped, the end is kept exactly.
  const res = await run('sh', ['-c', 'seq -f "line %06g" 1 40000'], { silent: true });
  expect(res.stdout.length).toBe(256 * 1024);
  expect(res.stdout.endsWith('line 039999\nline 040000\n')).toBe(true);
  expect(res.stdout).not.toContain('line 000001\n');
});

test('a command that cannot start is 127 with the reason', async () => {
  const res = await run('no-such-tool-here', [], { silent: true, allowFailure: true });
  expect(res).toMatchObject({ exitCode: 127, stderr: 'no-such-tool-here: command not found' });
});
