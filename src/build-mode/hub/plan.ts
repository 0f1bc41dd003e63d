// Each platform's part in Docker Hub's build rules: its Dockerfile and
// context, its hooks and automated test, and its variables.
import type { BuildModeOptions } from '../options.js';
import { sourceOf } from '../options.js';
import { formatPlatform } from '../../platform.js';
import { findComposeTest, findHooks, searchDirs, type HookName, type HubHooks } from './find.js';
import { hookEnv } from './env.js';
import { hubLayout } from './layout.js';
import type { LoopBuild } from './build-loop.js';

export interface PlatformHub {
  platform: string;
  /** The Dockerfile as the user gave it (DOCKERFILE_PATH). */
  file: string;
  /** What is built: the same file, or a copy without the QEMU lines the F flag makes unneeded. */
  buildFile: string;
  context: string;
  /** What is built from: the context, or a private copy of it holding the QEMU interpreters its Dockerfile copies (qemu-lines.ts). */
  buildContext?: string;
  /** What became of the Dockerfile's QEMU lines, for the notice (qemu-lines.ts). */
  qemuLines?: string;
  /** Where its hooks run: the context, as on Hub (layout.ts). */
  cwd: string;
  hooks?: HubHooks;
  /** docker-compose.test.yml, when Hub's automated tests apply. */
  composeFile?: string;
  /** Hub's variables for this platform. */
  env: Record<string, string>;
  /** The multi-arch template's hooks/build: its docker build of this platform's Dockerfile (template.ts). */
  hookBuild?: LoopBuild;
}

export function planHub(options: BuildModeOptions, commitMessage: string): PlatformHub[] {
  return options.platforms.map((p) => {
    const platform = formatPlatform(p);
    const { file, context } = sourceOf(options, platform);
    const dirs = searchDirs(file, options.file, context);
    const on = options.build.hooks !== 'false';
    const root = process.cwd();
    const env = hookEnv({ ...options, root, file, context, github: process.env, commitMessage });
    return {
      platform,
      file,
      buildFile: file,
      context,
      cwd: hubLayout({ root, file, context }).cwd,
      hooks: on ? findHooks(dirs) : undefined,
      composeFile: on ? findComposeTest(dirs) : undefined,
      env,
    };
  });
}

export function hubOf(hub: readonly PlatformHub[], platform: string): PlatformHub | undefined {
  return hub.find((h) => h.platform === platform);
}

/** Platforms grouped by hook directory, for hooks run once per directory (first platform's variables). */
export function byHookDir(hub: readonly PlatformHub[], name: HookName): PlatformHub[] {
  const seen = new Set<string>();
  return hub.filter((h) => {
    if (!h.hooks?.present.includes(name) || seen.has(h.hooks.dir)) return false;
    seen.add(h.hooks.dir);
    return true;
  });
}
