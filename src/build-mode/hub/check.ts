// 'hooks: check': what each platform's hooks and automated test will do under
// the action (run as written, recognised and skipped, or absent), printed
// without building: no QEMU, no buildx, no registry. Platforms of the
// multi-arch template get its report instead (template.ts): each hook once,
// and the build args hooks/build passes each platform's Dockerfile.
import * as core from '@actions/core';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { BuildModeOptions } from '../options.js';
import { HOOK_NAMES, type HookName } from './find.js';
import { planHub, type PlatformHub } from './plan.js';
import { recognise } from './recognise.js';
import { followTemplates, templateGroups, templateReport } from './template.js';

/** What happens to a template Dockerfile's QEMU lines, said without looking at this machine's QEMU. */
const QEMU_CHECK =
  "left out when QEMU is registered with the F flag (kernel 4.8 or newer, as on GitHub-hosted runners); kept otherwise, with the file from the runner's own QEMU";

/** What one hook or test file does for one platform. */
export interface HookCheck {
  platform: string;
  /** hooks/NAME or docker-compose.test.yml, under its directory from the repository's root. */
  label: string;
  outcome: 'runs' | 'skipped' | 'absent';
  why: string;
}

/** The phase a hook replaces, said beside "runs as written". */
const REPLACES: Partial<Record<HookName, string>> = {
  build: "in place of the action's build of this platform",
  test: 'in place of docker-compose.test.yml',
  push: "in place of the action's push to 'tags'",
};

type Site = Pick<PlatformHub, 'platform' | 'hooks' | 'composeFile' | 'cwd' | 'env'>;

function checksOf(h: Site, root: string, texts: Readonly<Record<string, string>>): HookCheck[] {
  const { platform, hooks } = h;
  const label = (file: string) => path.relative(root, file) || file;
  const out: HookCheck[] = HOOK_NAMES.map((name) => {
    if (!hooks?.present.includes(name)) {
      const where = hooks ? label(path.join(hooks.dir, name)) : `hooks/${name}`;
      return { platform, label: where, outcome: 'absent', why: '' };
    }
    const file = path.join(hooks.dir, name);
    const why = recognise(name, texts[file] ?? '', texts[path.join(hooks.dir, 'build')]);
    if (why) return { platform, label: label(file), outcome: 'skipped', why };
    return { platform, label: label(file), outcome: 'runs', why: REPLACES[name] ?? '' };
  });
  const compose = h.composeFile;
  if (!compose) out.push({ platform, label: 'docker-compose.test.yml', outcome: 'absent', why: '' });
  else if (hooks?.present.includes('test'))
    out.push({ platform, label: label(compose), outcome: 'skipped', why: 'hooks/test replaces it.' });
  else
    out.push({ platform, label: label(compose), outcome: 'runs', why: 'its sut service, before any push' });
  return out;
}

/** Every platform's hooks and test file, from the scripts' texts by path (pure). */
export function checkHooks(
  hub: readonly Site[],
  root: string,
  texts: Readonly<Record<string, string>>,
): HookCheck[] {
  return hub.flatMap((h) => checksOf(h, root, texts));
}

/** The report's lines for one platform: where its hooks run, each present file, then the absent ones (pure). */
export function reportLines(h: Site, root: string, checks: readonly HookCheck[]): string[] {
  const mine = checks.filter((c) => c.platform === h.platform);
  const cwd = path.relative(root, h.cwd) || '.';
  const lines = [
    `${h.platform}: hooks run in ${cwd} with DOCKERFILE_PATH=${h.env.DOCKERFILE_PATH ?? ''} BUILD_PATH=${h.env.BUILD_PATH ?? ''}`,
  ];
  for (const c of mine.filter((c) => c.outcome !== 'absent'))
    lines.push(
      c.outcome === 'runs'
        ? `  ${c.label}: runs as written${c.why ? `, ${c.why}` : ''}`
        : `  ${c.label}: skipped: ${c.why}`,
    );
  const absent = mine.filter((c) => c.outcome === 'absent').map((c) => path.basename(c.label));
  if (absent.length > 0) lines.push(`  absent: ${absent.join(', ')}`);
  return lines;
}

/** The multi-arch template's platforms: one report for their shared hooks, then each one's test file (pure but for the Dockerfiles). */
function templateLines(
  sites: readonly PlatformHub[],
  root: string,
  texts: Readonly<Record<string, string>>,
  checks: readonly HookCheck[],
): string[] {
  const tests = checks.filter(
    (c) =>
      sites.some((s) => s.platform === c.platform) && !c.label.includes('hooks/') && c.outcome !== 'absent',
  );
  return [
    ...templateReport(sites, texts, root, () => QEMU_CHECK),
    ...tests.map(
      (c) =>
        `  ${c.platform}: ${c.label}: ${c.outcome === 'runs' ? `runs as written, ${c.why}` : `skipped: ${c.why}`}`,
    ),
  ];
}

/** Reads the repository's hooks and prints what each will do; builds nothing. */
export function printHooksCheck(options: BuildModeOptions, root = process.cwd()): void {
  const hub = planHub(options, '');
  const texts: Record<string, string> = {};
  for (const h of hub)
    for (const name of h.hooks?.present ?? []) {
      const file = path.join(h.hooks?.dir ?? '', name);
      texts[file] = readFileSync(file, 'utf8');
    }
  const checks = checkHooks(hub, root, texts);
  followTemplates(hub, options.file);
  const templates = templateGroups(hub);
  core.startGroup("Checking Docker Hub hooks ('hooks: check': nothing is built)");
  for (const h of hub.filter((h) => !templates.flat().includes(h)))
    reportLines(h, root, checks).forEach((l) => core.info(l));
  for (const sites of templates) templateLines(sites, root, texts, checks).forEach((l) => core.info(l));
  core.endGroup();
}
