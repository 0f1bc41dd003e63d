// Reads and writes the kernel's binfmt_misc registrations.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { run } from '../exec.js';

export const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';

export interface Registration {
  name: string;
  enabled: boolean;
  interpreter: string;
  flags: string;
}

/** Parses /proc/sys/fs/binfmt_misc/<name> (pure). */
export function parseRegistration(name: string, text: string): Registration {
  const field = (key: string) => new RegExp(`^${key}\\s*:?\\s*(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
  return {
    name,
    enabled: /^enabled$/m.test(text),
    interpreter: field('interpreter'),
    flags: field('flags'),
  };
}

export function readRegistration(name: string, dir = BINFMT_DIR): Registration | undefined {
  try {
    return parseRegistration(name, readFileSync(`${dir}/${name}`, 'utf8'));
  } catch {
    return undefined;
  }
}

export function isBinfmtMounted(dir = BINFMT_DIR): boolean {
  return existsSync(`${dir}/register`);
}

export async function ensureBinfmtMounted(dir = BINFMT_DIR): Promise<void> {
  if (isBinfmtMounted(dir)) return;
  await run('mount', ['-t', 'binfmt_misc', 'binfmt_misc', dir], { silent: true });
}

export function writeRegister(line: string, dir = BINFMT_DIR): void {
  writeFileSync(`${dir}/register`, line);
}
