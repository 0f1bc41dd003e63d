// The QEMU interpreters a Dockerfile copies from its build context, as the
// 2018–2020 Hub template did (`COPY qemu-aarch64-static /usr/bin/`), and
// where the runner's own static interpreter for each is. On a kernel without
// the F flag the action puts those files in the context (qemu-lines.ts), so
// the image holds its interpreter as it did on Hub, with nothing downloaded.
import * as path from 'node:path';
import { isExecutable, STATIC_DIR } from '../../qemu/host-mode.js';
import { globSource } from './shell-word.js';

const COPY = /^(COPY|ADD)\s+(.*)$/i;
const NAME = /^qemu-([a-z0-9_]+)-static$/;
const GLOB = /[*?[]/;

/** A file of the context a COPY or ADD line reads: its path in the context and its QEMU name (aarch64). */
export interface InterpreterFile {
  path: string;
  qemu: string;
  /** Where the line puts it in the image, when the line says (an absolute destination). */
  dest?: string;
}

export interface InterpreterCopy {
  /** The line as written. */
  line: string;
  files: InterpreterFile[];
}

/** The file a source names, for a platform whose QEMU is `qemu` (a glob names that one); undefined for any other source. */
function fileOf(source: string, qemu: string): { path: string; qemu: string } | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) return undefined; // ADD <url>: the line's own download
  const rel = path.posix.normalize(source.replace(/^\/+/, '')); // a leading / is the context's root
  const dir = path.posix.dirname(rel);
  const base = path.posix.basename(rel);
  if (rel.startsWith('..') || GLOB.test(dir)) return undefined;
  if (!GLOB.test(base)) {
    const name = NAME.exec(base)?.[1];
    return name ? { path: rel, qemu: name } : undefined;
  }
  const wanted = `qemu-${qemu}-static`;
  if (!base.startsWith('qemu-') || !new RegExp(`^${globSource(base)}$`).test(wanted)) return undefined;
  return { path: path.posix.join(dir, wanted), qemu };
}

/**
 * The Dockerfile's COPY and ADD lines (no --from, no JSON form) whose every
 * source is a qemu-*-static of the context, for a platform whose QEMU is
 * `qemu` (pure).
 */
export function interpreterCopies(dockerfile: string, qemu: string): InterpreterCopy[] {
  const out: InterpreterCopy[] = [];
  for (const raw of dockerfile.split('\n')) {
    const line = raw.trim();
    const words = (COPY.exec(line)?.[2] ?? '').split(/\s+/).filter(Boolean);
    if (words.length === 0 || words.some((w) => w.startsWith('--from='))) continue;
    const plain = words.filter((w) => !w.startsWith('--'));
    const dest = plain.at(-1) ?? '';
    const found = plain.slice(0, -1).map((s) => fileOf(s, qemu));
    if (found.length === 0 || found.some((f) => f === undefined)) continue;
    const into = dest.endsWith('/') || found.length > 1;
    const files = (found as { path: string; qemu: string }[]).map((f) => {
      const at = into ? path.posix.join(dest, path.posix.basename(f.path)) : dest;
      return path.posix.isAbsolute(dest) ? { ...f, dest: at } : f;
    });
    out.push({ line, files });
  }
  return out;
}

/**
 * The runner's own static QEMU for `qemu`: the interpreter binfmt_misc runs
 * for the platform when it is that QEMU (the emulation probe ran it), else
 * /usr/bin/qemu-<name>-static; undefined when neither is there.
 */
export function hostInterpreter(
  qemu: string,
  registered: { qemu: string; interpreter: string },
  exists: (file: string) => boolean = isExecutable,
): string | undefined {
  const candidates = [
    ...(registered.qemu === qemu && registered.interpreter ? [registered.interpreter] : []),
    `${STATIC_DIR}/qemu-${qemu}-static`,
  ];
  return candidates.find((f) => exists(f));
}
