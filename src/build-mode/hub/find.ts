// Where each platform's Docker Hub hooks and automated test are: beside that
// platform's Dockerfile, then beside the default Dockerfile, then in the context.
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** Every hook Docker Hub ran, in its order; build, test and push replace their phase. */
export const HOOK_NAMES = [
  'post_checkout',
  'pre_build',
  'build',
  'post_build',
  'pre_test',
  'test',
  'post_test',
  'pre_push',
  'push',
  'post_push',
] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/** Hub's automated tests: this file's `sut` service, beside the Dockerfile. */
export const COMPOSE_TEST_FILE = 'docker-compose.test.yml';

export interface HubHooks {
  dir: string;
  present: HookName[];
}

/** The directories searched, in order, without repeats (pure). */
export function searchDirs(file: string, defaultFile: string, context: string): string[] {
  return [...new Set([path.dirname(file), path.dirname(defaultFile), context])];
}

export function findHooks(dirs: readonly string[]): HubHooks | undefined {
  for (const base of dirs) {
    const dir = path.join(base, 'hooks');
    if (existsSync(dir) && statSync(dir).isDirectory()) {
      const present = HOOK_NAMES.filter((h) => existsSync(path.join(dir, h)));
      if (present.length > 0) return { dir, present };
    }
  }
  return undefined;
}

export function findComposeTest(dirs: readonly string[]): string | undefined {
  return dirs.map((d) => path.join(d, COMPOSE_TEST_FILE)).find((f) => existsSync(f));
}
