// The set-up most build tests share: one open target registry for the
// describe block, and the temporary directories its tests make (build
// contexts among them), all removed after the block; and the inputs that push
// a build there.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { busyboxContext } from '../../support/contexts.js';
import { startRegistry, type TestRegistry } from '../../support/registry.js';

export interface TargetRegistry {
  /** Started before the block's first test. */
  registry: TestRegistry;
  /** Directories the tests made: removed after the block. */
  dirs: string[];
  /** The inputs that build `context` and push it here as `repo`:1, over the host network. */
  pushInputs(context: string, repo: string): Record<string, string>;
  /** A busybox build context (support/contexts.ts) with this Dockerfile body, removed after the block. */
  busyboxContext(dockerfile: string, stage?: string): string;
}

/** Call inside a describe block. */
export function useTargetRegistry(): TargetRegistry {
  const t = {
    dirs: [] as string[],
    pushInputs: (context: string, repo: string) => ({
      context,
      tags: `${t.registry.address}/${repo}:1`,
      push: 'true',
      network: 'host',
    }),
    busyboxContext: (dockerfile: string, stage?: string) => {
      const dir = busyboxContext({ Dockerfile: dockerfile }, stage);
      t.dirs.push(dir);
      return dir;
    },
  } as unknown as TargetRegistry;
  beforeAll(async () => {
    t.registry = await startRegistry();
  });
  afterAll(async () => {
    await (t.registry as TestRegistry | undefined)?.stop();
    for (const d of t.dirs) rmSync(d, { recursive: true, force: true });
  });
  return t;
}
