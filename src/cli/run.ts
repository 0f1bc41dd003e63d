// The command line's run: flags to INPUT_* (with action.yml's defaults), the
// runner's three files pointed at a temp dir, then the action's own runMain
// and runPost in this one process (post also after Ctrl-C), the outputs
// printed as one JSON object. Exit codes: 0 done, 1 failed, 2 bad flags.
import * as core from '@actions/core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runMain, runPost } from '../action.js';
import { cancel } from '../cancel.js';
import { ActionError, ExecError, HttpError, errorMessage } from '../errors.js';
import { readActionInputs, type InputSpec } from './action-yml.js';
import { readFileCommands } from './file-commands.js';
import { FlagError, parseFlags, withDefaults, type Flags } from './flags.js';
import { helpText } from './help.js';
import { takeOverOutput } from './terminal.js';

interface RunnerFiles {
  dir: string;
  output: string;
  state: string;
}

/** The environment the action reads: this run's inputs only, and files of its own. */
function prepareEnv(inputs: Record<string, string>, verbose: boolean): RunnerFiles {
  for (const name of Object.keys(process.env))
    if (name.startsWith('INPUT_') || name.startsWith('STATE_')) delete process.env[name];
  for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'multiarch-cli-'));
  const files = { dir, output: path.join(dir, 'output'), state: path.join(dir, 'state') };
  const summary = path.join(dir, 'summary.md');
  for (const f of [files.output, files.state, summary]) writeFileSync(f, '', { mode: 0o600 });
  Object.assign(process.env, {
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: summary,
  });
  if (verbose) process.env.RUNNER_DEBUG = '1';
  return files;
}

/** Ctrl-C (SIGINT) or SIGTERM: stop builds and uploads; post still runs. */
function handleSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      core.error(`Cancelled by ${signal}: stopping running builds and uploads; cleaning up.`);
      cancel(signal);
    });
}

function report(err: unknown): void {
  const known = err instanceof ActionError || err instanceof HttpError || err instanceof ExecError;
  core.error(known ? errorMessage(err) : `Unexpected error: ${errorMessage(err)}`);
  if (!known && err instanceof Error && err.stack) core.debug(err.stack);
}

/** runMain, then runPost with the state main saved; true when main succeeded. */
async function mainThenPost(files: RunnerFiles): Promise<boolean> {
  let ok = true;
  try {
    await runMain();
  } catch (err) {
    report(err);
    ok = false;
  }
  for (const [name, value] of Object.entries(readFileCommands(files.state)))
    process.env[`STATE_${name}`] = value;
  try {
    await runPost();
  } catch (err) {
    core.warning(`Cleanup failed: ${errorMessage(err)}`);
  }
  return ok;
}

function parseOrExit(argv: readonly string[], specs: InputSpec[]): Flags | number {
  try {
    return parseFlags(argv, specs);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 2;
  }
}

export async function runCli(argv: readonly string[], actionYml: string): Promise<number> {
  const specs = readActionInputs(actionYml);
  const flags = parseOrExit(argv, specs);
  if (typeof flags === 'number') return flags;
  if (flags.help) {
    process.stdout.write(helpText(specs));
    return 0;
  }
  const files = prepareEnv(withDefaults(flags.values, specs), flags.verbose);
  const print = takeOverOutput(flags.verbose);
  handleSignals();
  try {
    const ok = await mainThenPost(files);
    if (ok) print(`${JSON.stringify(readFileCommands(files.output), null, 2)}\n`);
    return ok ? 0 : 1;
  } finally {
    rmSync(files.dir, { recursive: true, force: true });
  }
}
