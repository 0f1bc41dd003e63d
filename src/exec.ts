// The only module that runs commands. Always an argument array, never a shell
// string; failure is decided on the exit code alone.
import { spawn } from 'node:child_process';
import { closeSync, createWriteStream, openSync } from 'node:fs';
import * as actionsExec from '@actions/exec';
import { ExecError } from './errors.js';
import { meaningfulTail } from './exec-tail.js';

export interface ExecOptions {
  /** Data commands are silent; commands a user should watch stream their output. */
  silent?: boolean;
  cwd?: string;
  env?: Record<string, string>;
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

const KEEP_BYTES = 256 * 1024; // a build log can be huge: keep its end only

function keepEnd(buf: string, chunk: Buffer): string {
  const next = buf + chunk.toString('utf8');
  return next.length > KEEP_BYTES ? next.slice(next.length - KEEP_BYTES) : next;
}

export async function run(
  tool: string,
  args: readonly string[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  let stdout = '';
  let stderr = '';
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  log?.write(`[command]${tool} ${args.join(' ')}\n`); // what @actions/exec prints when not silent
  const exitCode = await actionsExec
    .exec(tool, [...args], {
      silent: options.silent ?? false,
      cwd: options.cwd,
      env: options.env ? { ...(process.env as Record<string, string>), ...options.env } : undefined,
      input: options.input === undefined ? undefined : Buffer.from(options.input),
      ignoreReturnCode: true,
      listeners: {
        stdout: (data: Buffer) => {
          stdout = keepEnd(stdout, data);
          log?.write(data);
        },
        stderr: (data: Buffer) => {
          stderr = keepEnd(stderr, data);
          log?.write(data);
        },
      },
    })
    .finally(() => log && new Promise((r) => log.end(r)));
  if (exitCode !== 0 && !options.allowFailure) {
    throw new ExecError(tool, args, exitCode, meaningfulTail(stderr || stdout));
  }
  return { exitCode, stdout, stderr };
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
