// Proves emulation before any build: writes a tiny static ELF of the platform
// that exits with a chosen status and runs it. Only the kernel (binfmt_misc and
// the registered interpreter) can make it exit with that status.
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { run } from '../exec.js';
import { platformSlug, type Platform } from '../platform.js';
import { exitElf } from './elf.js';

/** Not 0 or 1: a shell or a crashing emulator cannot produce it by accident. */
export const PROBE_STATUS = 42;

export interface ProbeResult {
  ok: boolean;
  /** Why it failed, in words, for an error message. */
  detail: string;
}

export async function probePlatform(p: Platform, dir: string): Promise<ProbeResult> {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `probe-${platformSlug(p)}`);
  writeFileSync(file, exitElf(p.architecture, PROBE_STATUS));
  chmodSync(file, 0o755);
  try {
    const result = await run(file, [], { silent: true, allowFailure: true });
    if (result.exitCode === PROBE_STATUS) return { ok: true, detail: '' };
    const said = (result.stderr + result.stdout)
      .split('\n')
      .find((l) => /qemu|error|not found|denied/i.test(l))
      ?.trim();
    return { ok: false, detail: `exit code ${result.exitCode}${said ? `: ${said}` : ''}` };
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : String(err) };
  } finally {
    rmSync(file, { force: true });
  }
}
