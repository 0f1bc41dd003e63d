// Docker Hub's hooks and tests as one lifecycle around build mode's phases:
// post_checkout before set-up, the QEMU lines and pre_build after it,
// post_build, the tests and pre_push after the builds, the push hooks and
// post_push after the publish. A repository without hooks or tests gets a
// lifecycle that runs none of it, so build mode reads set-up -> builds ->
// publish whichever it is.
import type { EmulationReport } from '../../qemu/setup.js';
import type { PostState } from '../../state.js';
import type { BuildModeOptions } from '../options.js';
import {
  customPushes,
  hubEach,
  hubOnce,
  hubPush,
  hubTests,
  noticeTemplates,
  prepareHub,
  type LocalRef,
} from './phases.js';
import { planHub, type PlatformHub } from './plan.js';
import { settleQemuLines } from './qemu-lines.js';

export interface BuildHooks {
  /** Each platform's Dockerfile, context and hooks (none where the repository has none). */
  readonly platforms: PlatformHub[];
  /** Hooks or tests run before the push and may replace it: blobs must not go up early. */
  readonly runsBeforePush: boolean;
  afterCheckout(): Promise<void>;
  afterSetUp(emulation: EmulationReport, runDir: string): Promise<void>;
  /** Post-build hooks and tests; true when push hooks replace the action's push. */
  afterBuilds(state: PostState, ref: LocalRef): Promise<boolean>;
  afterPublish(ref: LocalRef, remember: (image: string) => void, pushReplaced: boolean): Promise<void>;
}

/** Whether any platform has a hook or a compose test of the repository's. */
function hasHubCode(platforms: readonly PlatformHub[]): boolean {
  return platforms.some((h) => (h.hooks?.present.length ?? 0) > 0 || h.composeFile !== undefined);
}

/** After set-up: the Dockerfiles' QEMU lines, left out or supplied (qemu-lines.ts), then the template's notice (template.ts). */
function qemuLinesStep(platforms: PlatformHub[], settle: boolean) {
  return (emulation: EmulationReport, runDir: string): Promise<void> => {
    if (settle) settleQemuLines(platforms, emulation, runDir);
    noticeTemplates(platforms);
    return Promise.resolve();
  };
}

/** The lifecycle for these options: Hub's when the repository has hooks or tests, else one that runs nothing. */
export async function buildHooks(options: BuildModeOptions, commitMessage: string): Promise<BuildHooks> {
  const platforms = planHub(options, commitMessage);
  const afterSetUp = qemuLinesStep(platforms, options.build.hooks === 'auto');
  if (!hasHubCode(platforms))
    return {
      platforms,
      runsBeforePush: false,
      afterCheckout: () => Promise.resolve(),
      afterSetUp,
      afterBuilds: () => Promise.resolve(false),
      afterPublish: () => Promise.resolve(),
    };
  const compose = await prepareHub(platforms, options);
  const { push, network } = options;
  return {
    platforms,
    runsBeforePush: true,
    afterCheckout: () => hubOnce(platforms, 'post_checkout'),
    afterSetUp: async (emulation, runDir) => {
      await afterSetUp(emulation, runDir);
      await hubOnce(platforms, 'pre_build');
    },
    afterBuilds: async (state, ref) => {
      await hubEach(platforms, 'post_build', ref);
      await hubTests(platforms, { ...state, compose, localRef: ref, network });
      const replaced = push && customPushes(platforms).length > 0;
      if (push) await hubOnce(platforms, 'pre_push');
      if (push && !replaced) await hubEach(platforms, 'push', ref); // recognised: each says so and is skipped
      return replaced;
    },
    afterPublish: async (ref, remember, replaced) => {
      if (replaced) await hubPush(platforms, ref, remember);
      if (push) await hubOnce(platforms, 'post_push');
    },
  };
}
