// Docker Hub's hook phases around the action's own, in Hub's order:
// post_checkout and pre_build once per hook directory, post_build and the
// tests per platform, pre_push / push / post_push around the one push.
import * as core from '@actions/core';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ActionError } from '../../errors.js';
import { run } from '../../exec.js';
import { findCompose, projectName, runComposeTest, type Compose } from './compose.js';
import type { HookName } from './find.js';
import { byHookDir, type PlatformHub } from './plan.js';
import { isTemplateBuildLoop, recognise } from './recognise.js';
import { runHook } from './run-hook.js';
import { followTemplates, templateGroups, templateReport } from './template.js';

/** Where a platform's image is in the local registry. */
export type LocalRef = (platform: string) => string;

const script = (h: PlatformHub, name: HookName) =>
  h.hooks?.present.includes(name) ? readFileSync(path.join(h.hooks.dir, name), 'utf8') : undefined;

/** Checks before anything slow: a Dockerfile.* build loop needs per-platform files; compose must exist. */
export async function prepareHub(
  hub: readonly PlatformHub[],
  options: { file: string; build: { platformFiles: Record<string, string> } },
): Promise<Compose | undefined> {
  const noFiles = Object.keys(options.build.platformFiles).length === 0;
  for (const h of hub) {
    const build = script(h, 'build');
    if (build && isTemplateBuildLoop(build) && noFiles)
      throw new ActionError(
        `${path.join(h.hooks?.dir ?? '', 'build')} builds every Dockerfile.<arch> itself, but no platform has a Dockerfile of its own.`,
        `Set 'platform-files' to auto (or list PLATFORM=Dockerfile.<arch>) and the action builds each for its platform; or set 'hooks' to false.`,
      );
  }
  followTemplates(hub, options.file);
  const tested = hub.find((h) => h.composeFile && !h.hooks?.present.includes('test'));
  return tested?.composeFile ? findCompose(tested.composeFile) : undefined;
}

/** A hook run once per hook directory, with the variables of the first platform using it. */
export async function hubOnce(hub: readonly PlatformHub[], name: HookName): Promise<void> {
  for (const h of byHookDir(hub, name)) await runHook(h, name, h.env);
}

/** Hub's variables for a per-platform hook: IMAGE_NAME is that platform's image. */
function platformEnv(h: PlatformHub, localRef: LocalRef): Record<string, string> {
  return { ...h.env, IMAGE_NAME: localRef(h.platform), DOCKER_DEFAULT_PLATFORM: h.platform };
}

export async function hubEach(
  hub: readonly PlatformHub[],
  name: HookName,
  localRef: LocalRef,
): Promise<void> {
  for (const h of hub) await runHook(h, name, platformEnv(h, localRef), { what: ` for ${h.platform}` });
}

export interface TestFacts {
  compose?: Compose;
  localRef: LocalRef;
  runId: string;
  runDir: string;
  network: string;
}

/** pre_test, test (the hook, else docker-compose.test.yml's sut), post_test: per platform, before any push. */
export async function hubTests(hub: readonly PlatformHub[], t: TestFacts): Promise<void> {
  for (const h of hub) {
    const env = platformEnv(h, t.localRef);
    const what = { what: ` for ${h.platform}` };
    await runHook(h, 'pre_test', env, what);
    const hook = await runHook(h, 'test', env, what);
    if (hook === 'absent' && h.composeFile && t.compose) {
      const { compose, network, runDir } = t;
      const project = projectName(t.runId, h.platform);
      await core.group(`Testing ${h.platform} (${path.basename(h.composeFile)})`, () =>
        runComposeTest({
          compose,
          file: h.composeFile ?? '',
          platform: h.platform,
          project,
          network,
          runDir,
          env,
        }),
      );
    }
    await runHook(h, 'post_test', env, what);
  }
}

/** Platforms whose push hook does more than `docker push "$IMAGE_NAME"`: they replace the push. */
export function customPushes(hub: readonly PlatformHub[]): PlatformHub[] {
  return hub.filter((h) => {
    const text = script(h, 'push');
    return text !== undefined && recognise('push', text, script(h, 'build')) === undefined;
  });
}

/** Each custom push hook with its platform's image in the engine as IMAGE_NAME, as Hub had it. */
export async function hubPush(
  hub: readonly PlatformHub[],
  localRef: LocalRef,
  remember: (ref: string) => void,
): Promise<void> {
  core.notice(
    `hooks/push replaces the push: the action pushes no index to 'tags'; the hooks push what they choose.`,
  );
  for (const h of hub) {
    if (!customPushes([h]).length) {
      await runHook(h, 'push', h.env, { what: ` for ${h.platform}` });
      continue;
    }
    await core.group(`Loading ${h.platform} as ${h.env.IMAGE_NAME}`, async () => {
      await run('docker', ['pull', '--platform', h.platform, localRef(h.platform)]);
      remember(h.env.IMAGE_NAME ?? '');
      await run('docker', ['tag', localRef(h.platform), h.env.IMAGE_NAME ?? '']);
    });
    await runHook(
      h,
      'push',
      { ...h.env, DOCKER_DEFAULT_PLATFORM: h.platform },
      { what: ` for ${h.platform}` },
    );
  }
}

/** One notice per directory of the multi-arch template's hooks: hook by hook, what runs, what replaces what, what is skipped. */
export function noticeTemplates(hub: readonly PlatformHub[]): void {
  for (const sites of templateGroups(hub)) {
    const hooks = sites[0]?.hooks;
    if (!hooks) continue;
    const texts = Object.fromEntries(
      hooks.present.map((n) => [path.join(hooks.dir, n), readFileSync(path.join(hooks.dir, n), 'utf8')]),
    );
    const qemu = (h: PlatformHub) => h.qemuLines ?? "kept: 'hooks' is not auto";
    core.notice(templateReport(sites, texts, process.cwd(), qemu).join('\n'));
  }
}
