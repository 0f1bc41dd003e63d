// Docker Hub automated-build hooks: hooks/pre_build, build, post_build,
// pre_push, post_push, run the way Docker Hub ran them (bash, from the
// directory that holds hooks/), with Docker Hub's variables.
import * as core from '@actions/core';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { ActionError, ExecError } from '../errors.js';
import { run } from '../exec.js';
import { DOCKER_HUB, type Reference } from '../registry/reference.js';

export const HOOK_NAMES = ['pre_build', 'build', 'post_build', 'pre_push', 'post_push'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

export interface HubHooks {
  dir: string;
  present: HookName[];
}

/** hooks/ beside the Dockerfile first, then in the context (Docker Hub used the Dockerfile's directory). */
export function findHooks(context: string, file: string): HubHooks | undefined {
  for (const base of [path.dirname(file), context]) {
    const dir = path.join(base, 'hooks');
    if (existsSync(dir) && statSync(dir).isDirectory()) {
      const present = HOOK_NAMES.filter((h) => existsSync(path.join(dir, h)));
      if (present.length > 0) return { dir, present };
    }
  }
  return undefined;
}

export interface HookFacts {
  tags: readonly Reference[];
  context: string;
  file: string;
  network: string;
  github: NodeJS.ProcessEnv;
  commitMessage: string;
}

/** Docker Hub's build variables, derived from the GitHub context and the tags (pure). */
export function hookEnv(f: HookFacts): Record<string, string> {
  const first = f.tags[0];
  const repo = first
    ? `${first.registry === DOCKER_HUB ? 'index.docker.io' : first.registry}/${first.repository}`
    : `localhost/${path.basename(f.context)}`;
  const tag = first?.tag ?? 'latest';
  return {
    SOURCE_BRANCH: f.github.GITHUB_HEAD_REF || f.github.GITHUB_REF_NAME || '',
    SOURCE_COMMIT: f.github.GITHUB_SHA ?? '',
    COMMIT_MSG: f.commitMessage,
    DOCKER_REPO: repo,
    DOCKERFILE_PATH: path.relative(f.context, f.file) || 'Dockerfile',
    DOCKER_TAG: tag,
    IMAGE_NAME: `${repo}:${tag}`,
    CACHE_TAG: tag,
    DOCKER_BUILDKIT: '1',
    BUILD_NETWORK: f.network || 'default',
  };
}

/** The head commit's message from the event payload, when there is one. */
export function readCommitMessage(eventPath = process.env.GITHUB_EVENT_PATH): string {
  try {
    const event = JSON.parse(readFileSync(eventPath ?? '', 'utf8')) as { head_commit?: { message?: string } };
    return event.head_commit?.message ?? '';
  } catch {
    return '';
  }
}

const QEMU_REGISTER =
  /^(sudo\s+)?docker\s+run\b.*--privileged\b.*\bmultiarch\/qemu-user-static(:register)?(\s|$)/;

/** A pre_build whose only job is registering QEMU, which the action has already done (pure). */
export function isQemuRegisterOnly(script: string): boolean {
  const commands = script
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter((l) => l !== '' && !/^set\s+-/.test(l));
  return commands.length > 0 && commands.every((l) => QEMU_REGISTER.test(l));
}

export async function runHook(
  hooks: HubHooks,
  name: HookName,
  env: Record<string, string>,
): Promise<boolean> {
  if (!hooks.present.includes(name)) return false;
  const script = path.join(hooks.dir, name);
  if (name === 'pre_build' && isQemuRegisterOnly(readFileSync(script, 'utf8'))) {
    core.info(`Skipping hooks/pre_build: it only registers QEMU, which this action has already done.`);
    return true;
  }
  try {
    await run('bash', [script], { cwd: path.dirname(hooks.dir), env });
  } catch (err) {
    if (!(err instanceof ExecError)) throw err;
    throw new ActionError(
      `Hook hooks/${name} failed with exit code ${err.exitCode}: ${err.tail}`,
      `See its output above.`,
    );
  }
  return true;
}
