// What becomes of each Dockerfile's QEMU lines (qemu-stage.ts) once QEMU is
// registered. With the F flag the kernel keeps the interpreter open, so they
// are left out of a copy of the Dockerfile. Without it (Linux before 4.8) the
// kernel looks the interpreter up inside the image, so they are kept, and the
// qemu-*-static files they copy from the context are supplied from the
// runner's own QEMU (qemu-files.ts) in a private copy of the context
// (context-copy.ts): the checkout is never written, and post removes the copy
// with the run directory. The multi-arch template's notice says what became
// of them (template.ts); other Dockerfiles get a notice each.
import * as core from '@actions/core';
import {
  constants,
  copyFileSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { ActionError } from '../../errors.js';
import { parsePlatform } from '../../platform.js';
import { STATIC_DIR } from '../../qemu/host-mode.js';
import { archInfo } from '../../qemu/names.js';
import type { Emulation, EmulationReport } from '../../qemu/setup.js';
import { copyContext } from './context-copy.js';
import type { PlatformHub } from './plan.js';
import { hostInterpreter, interpreterCopies } from './qemu-files.js';
import { stripQemuLines } from './qemu-stage.js';
import { templateGroups } from './template.js';

const LEFT_OUT = 'left out: QEMU is registered with the F flag, so no interpreter is needed in the image';
const KEPT = 'kept: QEMU has no F flag here, so the image needs its interpreter';

/** Files a platform's Dockerfile copies from its context: the ones the action adds (path -> host file), the repository's own. */
interface Supply {
  add: Map<string, string>;
  own: string[];
}

const rel = (file: string) => path.relative(process.cwd(), file) || file;

/**
 * Whether the repository has something at `file` (a path in the context) or
 * in its way: anything there, a symlink not followed, or a non-directory or
 * symlink on the way. The action then adds nothing there, so it never writes
 * through a link out of its copy.
 */
export function repositoryHas(context: string, file: string): boolean {
  let at = context;
  const parts = file.split('/');
  for (const [i, part] of parts.entries()) {
    at = path.join(at, part);
    let directory: boolean;
    try {
      directory = lstatSync(at).isDirectory();
    } catch {
      return false; // nothing there, nor further down
    }
    if (i === parts.length - 1 || !directory) return true;
  }
  return false;
}

/** Where each interpreter the Dockerfile copies comes from; fails naming the file when the runner has none. */
function supplyFor(h: PlatformHub, e: Emulation, dockerfile: string): Supply {
  const qemu = archInfo(parsePlatform(h.platform)?.architecture ?? '').qemu;
  const supply: Supply = { add: new Map(), own: [] };
  for (const copy of interpreterCopies(dockerfile, qemu))
    for (const f of copy.files) {
      if (f.qemu === qemu && f.dest && f.dest !== e.interpreter)
        core.warning(
          `${rel(h.file)} copies ${f.path} to ${f.dest}, but binfmt_misc runs ${e.interpreter} for ${h.platform} (no F flag): RUN steps will not find their interpreter. Copy it to ${e.interpreter}, or remove that registration so the action registers ${STATIC_DIR}/qemu-${qemu}-static.`,
        );
      if (repositoryHas(h.context, f.path)) supply.own.push(f.path);
      else {
        const host = hostInterpreter(f.qemu, { qemu, interpreter: e.interpreter });
        if (!host)
          throw new ActionError(
            `Cannot supply ${f.path}, which ${rel(h.file)} copies ('${copy.line}') for ${h.platform}: QEMU has no F flag here, so the image needs that interpreter, and this runner has no ${STATIC_DIR}/qemu-${f.qemu}-static.`,
            `Install the runner's qemu-user-static (apt-get install qemu-user-static), or add ${f.path} to the repository.`,
          );
        supply.add.set(f.path, realpathSync(host));
      }
    }
  return supply;
}

/** What the notice says became of the lines kept (pure). */
function keptLine(s: Supply): string {
  const added = [...s.add].map(([name, host]) => `${name} (the runner's ${host})`);
  const parts = [
    ...(added.length > 0
      ? [`the action put ${added.join(', ')} in a private copy of the context; the checkout is not changed`]
      : []),
    ...(s.own.length > 0 ? [`the repository's own ${s.own.join(', ')} is copied`] : []),
  ];
  return parts.length > 0 ? `${KEPT}: ${parts.join('; ')}` : KEPT;
}

/** One private copy per context, holding every file its platforms need added; sets each platform's buildContext. */
function privateContexts(needs: readonly [PlatformHub, Supply][], runDir: string): void {
  const copies = new Map<string, string>();
  for (const [h, s] of needs.filter(([, s]) => s.add.size > 0)) {
    let dir = copies.get(h.context);
    if (!dir) {
      dir = path.join(runDir, `context-${copies.size + 1}`);
      copyContext(h.context, dir, [runDir]);
      copies.set(h.context, dir);
      core.info(
        `Copied the context ${rel(h.context)} to ${dir}, to add the QEMU interpreters its Dockerfiles copy`,
      );
    }
    for (const [name, host] of s.add) {
      const target = path.join(dir, name);
      if (repositoryHas(dir, name)) continue; // another platform's, from the same host file
      mkdirSync(path.dirname(target), { recursive: true });
      copyFileSync(host, target, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
    }
    h.buildContext = dir;
  }
}

/** Leaves the QEMU lines out where the F flag makes them unneeded; elsewhere keeps them and supplies their files. */
export function settleQemuLines(hub: PlatformHub[], emulation: EmulationReport, runDir: string): void {
  const needs: [PlatformHub, Supply][] = [];
  for (const h of hub) {
    const original = readFileSync(h.file, 'utf8');
    const { text, removed } = stripQemuLines(original);
    if (removed.length === 0) continue;
    const e = emulation.results.find((r) => r.platform === h.platform);
    if (e && e.how !== 'native' && !e.flags.includes('F')) {
      needs.push([h, supplyFor(h, e, original)]);
      continue;
    }
    h.buildFile = path.join(runDir, `Dockerfile-${h.platform.replace(/\//g, '-')}`);
    writeFileSync(h.buildFile, text);
    h.qemuLines = LEFT_OUT;
  }
  privateContexts(needs, runDir);
  for (const [h, s] of needs) h.qemuLines = keptLine(s);
  noticeOthers(hub);
}

/** A notice per Dockerfile outside the multi-arch template (its own notice says it for its Dockerfiles). */
function noticeOthers(hub: readonly PlatformHub[]): void {
  const template = new Set(templateGroups(hub).flat());
  for (const h of hub.filter((h) => h.qemuLines && !template.has(h))) {
    const { removed } = stripQemuLines(readFileSync(h.file, 'utf8'));
    const pulls = removed.some((l) => /multiarch\/qemu-user-static/.test(l))
      ? ` Pulling multiarch/qemu-user-static counts against Docker Hub's pull rate limit: remove it from the Dockerfile.`
      : '';
    const [what = '', why = ''] = (h.qemuLines ?? '').split(/: (.*)/s);
    const verb = what === 'kept' ? 'Keeping' : 'Skipping';
    core.notice(
      `${verb} ${removed.map((l) => `'${l}'`).join(', ')} in ${h.file} for ${h.platform}: ${why}.${pulls}`,
    );
  }
}
