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
