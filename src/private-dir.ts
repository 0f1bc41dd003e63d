// Files in a directory only this user can touch: the directory is made here
// (or found) and then checked with lstat, never trusted for having been asked
// for; files are read and written without following a symlink put in their
// place. The crash ledger (state.ts) lives in one, in a world-writable /tmp.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import * as path from 'node:path';

/**
 * Why `dir` (as lstat sees it) is not this user's private directory, or
 * undefined when it is: a real directory, owned by `uid`, no group or other
 * permission bits (pure). Root is no exception: a directory another uid made
 * is refused even when root could write in it.
 */
export function privateDirProblem(
  st: { uid: number; mode: number; isDirectory(): boolean; isSymbolicLink(): boolean },
  uid: number,
): string | undefined {
  if (st.isSymbolicLink()) return 'it is a symbolic link';
  if (!st.isDirectory()) return 'it is not a directory';
  if (st.uid !== uid) return `it is owned by uid ${st.uid}, not this runner's uid ${uid}`;
  const mode = st.mode & 0o777;
  if ((mode & 0o077) !== 0)
    return `its mode is ${mode.toString(8).padStart(4, '0')}: group or others have access`;
  return undefined;
}

/** The current uid; a platform without uids (Windows) has no other local users to guard against here. */
function currentUid(): number | undefined {
  return process.getuid?.();
}

/**
 * Makes `dir` (mode 0700; its parent as needed) unless it exists, then checks
 * it. Answers why it cannot be trusted, or undefined. Throws when it cannot be made.
 */
export function ensurePrivateDir(dir: string): string | undefined {
  mkdirSync(path.dirname(dir), { recursive: true });
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return checkPrivateDir(dir);
}

/** Why an existing `dir` cannot be trusted, or undefined; throws ENOENT when there is none. */
export function checkPrivateDir(dir: string): string | undefined {
  const uid = currentUid();
  return uid === undefined ? undefined : privateDirProblem(lstatSync(dir), uid);
}

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * Writes `file` as a new file of its own (O_CREAT | O_EXCL | O_NOFOLLOW, mode
 * 0600, under a temporary name) and renames it into place: a symlink put where
 * `file` is gets replaced, never written through.
 */
export function writePrivateFile(file: string, text: string): void {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o600);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

/** The text of `file` when it is a regular file of this user's, read without following a symlink; else undefined. */
export function readPrivateFile(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | NOFOLLOW | (constants.O_NONBLOCK ?? 0));
  } catch {
    return undefined; // gone, or a symlink (ELOOP)
  }
  try {
    const st = fstatSync(fd);
    const uid = currentUid();
    if (!st.isFile() || (uid !== undefined && st.uid !== uid)) return undefined;
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}
