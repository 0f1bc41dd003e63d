// Runs one hook as Docker Hub did: bash, from the build context (layout.ts),
// with Hub's variables and a minimal environment (clean-env.ts); a hook that
// only redoes the action's work is skipped, with a notice, except beside the
// multi-arch template's hooks/build, whose one notice says it for every hook
// and platform (template.ts).
import * as core from '@actions/core';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ActionError, ExecError } from '../../errors.js';
import { run } from '../../exec.js';
import { repositoryCodeEnv } from './clean-env.js';
import type { HookName, HubHooks } from './find.js';
import { isTemplateBuildLoop, recognise } from './recognise.js';

/** 'ran', 'skipped' (recognised) or 'absent'. */
export type HookOutcome = 'ran' | 'skipped' | 'absent';

/** Where a hook is shown: hooks/<name>, under its directory when several platforms have their own. */
export function hookLabel(hooks: HubHooks, name: HookName, cwd = process.cwd()): string {
  return path.relative(cwd, path.join(hooks.dir, name)) || `hooks/${name}`;
}

/** A platform's hooks and the directory they run in (the context: layout.ts). */
export interface HookSite {
  hooks?: HubHooks;
  cwd: string;
}

export async function runHook(
  { hooks, cwd }: HookSite,
  name: HookName,
  env: Record<string, string>,
  { what = '', group = true }: { what?: string; group?: boolean } = {},
): Promise<HookOutcome> {
  if (!hooks?.present.includes(name)) return 'absent';
  const script = path.join(hooks.dir, name);
  const label = hookLabel(hooks, name);
  const build = path.join(hooks.dir, 'build');
  const buildText = hooks.present.includes('build') ? readFileSync(build, 'utf8') : undefined;
  const why = recognise(name, readFileSync(script, 'utf8'), buildText);
  if (why) {
    if (buildText !== undefined && isTemplateBuildLoop(buildText))
      core.info(`Skipping ${label}${what}: the multi-arch template's notice says why`);
    else core.notice(`Skipping ${label}${what}: ${why}`);
    return 'skipped';
  }
  const exec = async () => {
    try {
      await run('bash', [script], {
        cwd,
        env: repositoryCodeEnv(env),
        inheritEnv: false,
      });
    } catch (err) {
      if (!(err instanceof ExecError)) throw err;
      throw new ActionError(
        `Hook ${label}${what} failed with exit code ${err.exitCode}${err.tail ? `: ${err.tail}` : ''}.`,
        `See its output above.`,
      );
    }
  };
  await (group ? core.group(`Running ${label}${what}`, exec) : exec());
  return 'ran';
}
