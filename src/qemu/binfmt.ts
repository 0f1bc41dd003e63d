// Reads and writes the kernel's binfmt_misc registrations. Writes go through
// sudo (non-interactive) when the action is not root.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { errorMessage } from '../errors.js';
import { run } from '../exec.js';

export const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';

export interface Registration {
  name: string;
  enabled: boolean;
  interpreter: string;
  flags: string;
  offset: number;
  /** Hex, as the kernel prints it; absent for extension (E) registrations. */
  magic?: string;
  mask?: string;
  extension?: string;
}

/** Parses /proc/sys/fs/binfmt_misc/<name> (pure). */
export function parseRegistration(name: string, text: string): Registration {
  const field = (key: string) => new RegExp(`^${key}\\s*:?[ \\t]*(.*)$`, 'm').exec(text)?.[1]?.trim();
  const reg: Registration = {
    name,
    enabled: /^enabled$/m.test(text),
    interpreter: field('interpreter') ?? '',
    flags: field('flags') ?? '',
    offset: Number(field('offset') ?? 0),
  };
  const magic = field('magic');
  const mask = field('mask');
  const extension = field('extension');
  if (magic) reg.magic = magic;
  if (mask) reg.mask = mask;
  if (extension) reg.extension = extension;
  return reg;
}

const escapeHex = (hex: string) => hex.replace(/(..)/g, '\\x$1');

/** The register line that recreates a registration as the kernel shows it (pure). */
export function registerLineOf(reg: Registration): string {
  const type = reg.extension ? 'E' : 'M';
  const magic = reg.extension ?? escapeHex(reg.magic ?? '');
  const mask = reg.mask ? escapeHex(reg.mask) : '';
  const offset = reg.extension || reg.offset === 0 ? '' : String(reg.offset);
  return `:${reg.name}:${type}:${offset}:${magic}:${mask}:${reg.interpreter}:${reg.flags}`;
}

export function readRegistration(name: string, dir = BINFMT_DIR): Registration | undefined {
  try {
    return parseRegistration(name, readFileSync(`${dir}/${name}`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Every qemu-* registration, keyed by name. */
export function readQemuRegistrations(dir = BINFMT_DIR): Map<string, Registration> {
  const found = new Map<string, Registration>();
  if (!isBinfmtMounted(dir)) return found;
  for (const name of readdirSync(dir).filter((n) => n.startsWith('qemu-'))) {
    const reg = readRegistration(name, dir);
    if (reg) found.set(name, reg);
  }
  return found;
}

export function isBinfmtMounted(dir = BINFMT_DIR): boolean {
  return existsSync(`${dir}/register`);
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Writes a /proc file: directly as root, else with `sudo -n tee` (never prompts). */
export async function writeProcFile(file: string, text: string): Promise<void> {
  if (isRoot()) {
    writeFileSync(file, text);
    return;
  }
  await run('sudo', ['-n', 'tee', file], { input: text, silent: true });
}

export async function ensureBinfmtMounted(dir = BINFMT_DIR): Promise<void> {
  if (isBinfmtMounted(dir)) return;
  const mount = ['mount', '-t', 'binfmt_misc', 'binfmt_misc', dir];
  if (isRoot()) await run(mount[0] ?? 'mount', mount.slice(1), { silent: true });
  else await run('sudo', ['-n', ...mount], { silent: true });
}

export async function writeRegister(line: string, dir = BINFMT_DIR): Promise<void> {
  await writeProcFile(`${dir}/register`, line);
}

/** Removes one registration: only for ones this run made or must put back. */
export async function unregister(name: string, dir = BINFMT_DIR): Promise<void> {
  await writeProcFile(`${dir}/${name}`, '-1');
}

/** Why a write to binfmt_misc failed, and what works instead (pure on the error). */
export function registerFailureHint(err: unknown, root: boolean): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const fix = 'or build that platform on a native runner';
  if (!root)
    return `The action is not root and 'sudo -n' failed (${errorMessage(err)}). Run the job as root or with passwordless sudo, ${fix}.`;
  if (code === 'EROFS')
    return `/proc/sys is read-only: the job runs in a container without --privileged. Register QEMU on the host before the job (qemu: host there), ${fix}.`;
  if (code === 'EACCES' || code === 'EPERM')
    return `The kernel refuses binfmt_misc writes from this user namespace (rootless Docker or an unprivileged container). Register QEMU on the host as real root (qemu: host with sudo), ${fix}.`;
  if (code === 'EEXIST')
    return `A registration of that name appeared while the action ran (another job on this runner?); run again, and the action will keep it.`;
  if (code === 'EINVAL')
    return `The kernel rejected the register line (the F flag needs Linux 4.8). Set 'qemu' to image or register QEMU in an earlier step.`;
  return `Check that binfmt_misc is writable here, ${fix}.`;
}
