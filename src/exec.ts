// The only module that runs commands. Always an argument array, never a shell
// string; failure is decided on the exit code alone. Every running command is
// stopped when the job is cancelled.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, createWriteStream, openSync, type WriteStream } from 'node:fs';
import { constants } from 'node:os';
import { onCancel, throwIfCancelled } from './cancel.js';
import { ExecError } from './errors.js';
import { meaningfulTail } from './exec-tail.js';

export interface ExecOptions {
  /** Data commands are silent; commands a user should watch stream their output. */
  silent?: boolean;
  cwd?: string;
  env?: Record<string, string>;
  /**
   * false: the command gets `env` (and the tool's own, below) and nothing of
   * the action's environment: for code from the repository (hooks, compose
   * tests), which must not see inputs, tokens or the runner's file commands.
   */
  inheritEnv?: boolean;
  input?: string;
  /** Return the result instead of throwing on a non-zero exit code. */
  allowFailure?: boolean;
  /** Also write all output to this file (for logs printed later, in a group). */
  logFile?: string;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Environment every run of a tool gets, under the caller's own `env` (DOCKER_CONFIG for docker). */
const toolEnv = new Map<string, Record<string, string>>();

/**
 * Sets what every later `run(tool, ...)` adds to its environment: the action's
 * own docker config dir (its buildx plugin, its builders) for every docker command.
 */
export function setToolEnv(tool: string, env: Record<string, string>): void {
  toolEnv.set(tool, { ...env });
}

/** What setToolEnv gave `tool` (a copy). */
export function getToolEnv(tool: string): Record<string, string> {
  return { ...toolEnv.get(tool) };
}

function envFor(tool: string, options: ExecOptions): NodeJS.ProcessEnv {
  return { ...(options.inheritEnv === false ? {} : process.env), ...toolEnv.get(tool), ...options.env };
}

const KEEP_CHARS = 256 * 1024; // a build log can be huge: keep its end only

function keepEnd(buf: string, chunk: Buffer): string {
  const next = buf + chunk.toString('utf8');
  return next.length > KEEP_CHARS ? next.slice(next.length - KEEP_CHARS) : next;
}

/** Exit code as a shell reports it: 128 + signal number for a killed process. */
function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
}

/** Where a command's output goes: kept (the end of it), teed to a log file, and shown unless silent. */
function captureOutput(child: ChildProcess, silent: boolean, log: WriteStream | undefined) {
  const out = { stdout: '', stderr: '' };
  child.stdout?.on('data', (d: Buffer) => {
    out.stdout = keepEnd(out.stdout, d);
    log?.write(d);
    if (!silent) process.stdout.write(d);
  });
  child.stderr?.on('data', (d: Buffer) => {
    out.stderr = keepEnd(out.stderr, d);
    log?.write(d);
    if (!silent) process.stderr.write(d);
  });
  return out;
}

/** The exit code; a command that cannot start is 127 with the reason in stderr, as in a shell. */
function exited(child: ChildProcess, tool: string, out: { stderr: string }): Promise<number> {
  return new Promise<number>((resolve) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      out.stderr += `${tool}: ${err.code === 'ENOENT' ? 'command not found' : err.message}`;
      resolve(127);
    });
    child.once('close', (code, signal) => resolve(exitCodeOf(code, signal)));
  });
}

export async function run(
  tool: string,
  args: readonly string[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  throwIfCancelled(`running ${tool}`);
  const silent = options.silent ?? false;
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  const commandLine = `[command]${tool} ${args.join(' ')}\n`;
  log?.write(commandLine);
  if (!silent) process.stdout.write(commandLine);
  const child = spawn(tool, [...args], {
    cwd: options.cwd,
    env: envFor(tool, options),
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  const stopOnCancel = onCancel((signal) => child.kill(signal));
  const out = captureOutput(child, silent, log);
  if (options.input !== undefined) child.stdin?.end(options.input);
  const exitCode = await exited(child, tool, out).finally(() => {
    stopOnCancel();
    log?.end();
  });
  if (exitCode !== 0 && !options.allowFailure) {
    throw new ExecError(tool, args, exitCode, meaningfulTail(out.stderr || out.stdout));
  }
  return { exitCode, stdout: out.stdout, stderr: out.stderr };
}

/** Starts a long-lived process detached from the action, output to logFile. */
export function spawnDetached(tool: string, args: readonly string[], logFile: string): number {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(tool, [...args], { detached: true, stdio: ['ignore', fd, fd] });
    if (child.pid === undefined) throw new ExecError(tool, args, -1, `could not start ${tool}`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(fd);
  }
}
