// Docker Hub's 2018–2020 multi-arch template: `Dockerfile` plus
// `Dockerfile.<arch>` files copying qemu-<arch>-static, hooks that fetch the
// emulators, register QEMU, build every file in a loop, push each tag and
// stitch a manifest list. Recognised from hooks/build's loop; that hook is
// followed, not run (build-loop.ts): each platform's build gets the build
// args and labels the loop passed its Dockerfile, evaluated before any build,
// and the report says hook by hook what runs, what replaces what, what is skipped.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ActionError } from '../../errors.js';
import { followBuildLoop, HookLineError, type LoopBuild } from './build-loop.js';
import { HOOK_NAMES, type HubHooks } from './find.js';
import { stripQemuLines } from './qemu-stage.js';
import { isTemplateBuildLoop, recognise } from './recognise.js';

/** What the template needs of a platform's Hub plan (plan.ts). */
export interface TemplateSite {
  platform: string;
  /** The platform's Dockerfile (absolute) and the directory its hooks run in (its context). */
  file: string;
  cwd: string;
  hooks?: HubHooks;
  env: Record<string, string>;
  hookBuild?: LoopBuild;
}

/** Whether hooks/build is the template's loop, followed for every platform instead of run (pure). */
export function isTemplateBuild(buildHook: string | undefined): buildHook is string {
  return buildHook !== undefined && isTemplateBuildLoop(buildHook);
}

/** Hub's variables as its one build rule had them: DOCKERFILE_PATH is the rule's Dockerfile, not the platform's (pure). */
export function ruleVars(h: TemplateSite, ruleFile: string): Record<string, string> {
  return { ...h.env, DOCKERFILE_PATH: path.relative(h.cwd, ruleFile) || path.basename(ruleFile) };
}

const FOLLOWED =
  'assignments, for loops, docker build (-f, -t, --build-arg, --label), docker push and tag, echo; $VAR, ${VAR#…}, ${VAR%…}, ${VAR:-…}, ${VAR:N:M}, ${VAR/…/…}, $(date -u +FORMAT), $(git rev-parse [--short] HEAD)';

const shorten = (text: string) => (text.length > 100 ? `${text.slice(0, 97)}...` : text);

/** The hook's `docker build` of this platform's Dockerfile, or undefined when none builds it (pure). */
export function templateBuild(
  h: TemplateSite,
  label: string,
  script: string,
  facts: { ruleFile: string; files: readonly string[]; now: Date },
): LoopBuild | undefined {
  let builds: LoopBuild[];
  try {
    builds = followBuildLoop(script, ruleVars(h, facts.ruleFile), facts.files, facts.now);
  } catch (err) {
    if (!(err instanceof HookLineError)) throw err;
    throw new ActionError(
      `Cannot follow ${label} for ${h.platform}: line ${err.line} '${shorten(err.text)}': ${err.reason}.`,
      `It builds every Dockerfile.<arch> itself, so the action follows it (${FOLLOWED}) instead of running it. Pass that value in 'build-args', or set 'hooks' to false.`,
    );
  }
  const own = path.relative(h.cwd, h.file);
  return builds.find((b) => path.normalize(b.file) === own);
}

/** File names a loop's glob can match: the hooks' directory and the rule's Dockerfile's directory. */
export function filesFor(cwd: string, ruleFile: string): string[] {
  const names = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);
  const sub = path.relative(cwd, path.dirname(ruleFile));
  const inSub =
    sub && !sub.startsWith('..') ? names(path.dirname(ruleFile)).map((n) => path.join(sub, n)) : [];
  return [...names(cwd), ...inSub];
}

const buildHookOf = (h: TemplateSite) =>
  h.hooks?.present.includes('build') ? readFileSync(path.join(h.hooks.dir, 'build'), 'utf8') : undefined;

/** Follows the template's hooks/build for each platform that has it, before anything slow; sets hookBuild. */
export function followTemplates(hub: readonly TemplateSite[], ruleFile: string, now = new Date()): void {
  for (const h of hub) {
    const script = buildHookOf(h);
    if (!h.hooks || !isTemplateBuild(script)) continue;
    const label = path.relative(process.cwd(), path.join(h.hooks.dir, 'build')) || 'hooks/build';
    h.hookBuild = templateBuild(h, label, script, { ruleFile, files: filesFor(h.cwd, ruleFile), now });
  }
}

/** One platform's line: its Dockerfile, what Hub tagged, the build args and labels it gets (pure). */
export function buildLine(h: TemplateSite): string {
  const file = path.relative(h.cwd, h.file);
  const b = h.hookBuild;
  if (!b)
    return `    ${h.platform}: ${file}: no docker build in the hook builds it; built without the hook's build args`;
  const was = b.tags.length > 0 ? `, was ${b.tags.join(', ')}` : '';
  const args = b.buildArgs.length > 0 ? `build args ${b.buildArgs.join(' ')}` : 'no build args';
  const labels = b.labels.length > 0 ? `; labels ${b.labels.join(' ')}` : '';
  return `    ${h.platform}: ${file} (line ${b.line}${was}): ${args}${labels}`;
}

/**
 * The template's report for the platforms sharing one hooks directory: each
 * hook present (run as written, or skipped and what replaces it), the build
 * each platform gets, and the QEMU lines of each Dockerfile (pure but for
 * reading the Dockerfiles). `qemu` says what happens to those lines.
 */
export function templateReport<T extends TemplateSite>(
  sites: readonly T[],
  texts: Readonly<Record<string, string>>,
  root: string,
  qemu: (h: T) => string,
): string[] {
  const [first] = sites;
  if (!first?.hooks) return [];
  const dir = first.hooks.dir;
  const rel = (f: string) => path.relative(root, f) || f;
  const build = texts[path.join(dir, 'build')];
  const lines = [`Docker Hub's multi-arch template in ${rel(dir)}: what each hook does under the action`];
  for (const name of HOOK_NAMES.filter((n) => first.hooks?.present.includes(n))) {
    const label = rel(path.join(dir, name));
    if (name === 'build') {
      lines.push(
        `  ${label}: followed, not run: the action builds each platform with what the hook passed it`,
      );
      lines.push(...sites.map(buildLine));
      continue;
    }
    const why = recognise(name, texts[path.join(dir, name)] ?? '', build);
    lines.push(why ? `  ${label}: skipped: ${why}` : `  ${label}: runs as written`);
  }
  for (const h of sites) {
    const removed = stripQemuLines(readFileSync(h.file, 'utf8')).removed;
    if (removed.length > 0)
      lines.push(`  ${rel(h.file)}: ${removed.map((l) => `'${l}'`).join(', ')} ${qemu(h)}`);
  }
  return lines;
}

/** The platforms whose hooks/build is the template's, grouped by hook directory. */
export function templateGroups<T extends TemplateSite>(hub: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const h of hub) {
    if (!h.hooks || !isTemplateBuild(buildHookOf(h))) continue;
    groups.set(h.hooks.dir, [...(groups.get(h.hooks.dir) ?? []), h]);
  }
  return [...groups.values()];
}
