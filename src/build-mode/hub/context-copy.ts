// A private copy of a build context in the run's directory, for files the
// action must add to a context without writing the user's checkout: hard
// links where the filesystem allows (no bytes copied), copies where it does
// not, symlinks as they are (never followed), directories with their modes
// (plus the owner's rwx, so post can remove it with the run directory).
import {
  chmodSync,
  constants,
  copyFileSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import * as path from 'node:path';

function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    // Another filesystem, or a file the kernel will not link (fs.protected_hardlinks).
    copyFileSync(from, to, constants.COPYFILE_FICLONE);
  }
}

function copyTree(from: string, to: string, skip: ReadonlySet<string>): void {
  mkdirSync(to, { mode: 0o700 });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (skip.has(source)) continue;
    if (entry.isDirectory()) copyTree(source, target, skip);
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else if (entry.isFile()) linkOrCopy(source, target);
    // Sockets, FIFOs and devices: a builder sends none of them.
  }
  chmodSync(to, (statSync(from).mode & 0o7777) | 0o700);
}

/**
 * Copies `context` to `to` (which must not exist), leaving out `skip` (the
 * run's own directory, should it lie inside the context).
 */
export function copyContext(context: string, to: string, skip: readonly string[] = []): void {
  copyTree(path.resolve(context), to, new Set([...skip.map((s) => path.resolve(s)), path.resolve(to)]));
}
