// The two registries a merge test needs, for one describe block: `src`, where
// the test pushes the images to merge, and `dst`, where the merge pushes its
// index and tags. Both are stopped after the block.
import { afterAll, beforeAll } from 'vitest';
import { startRegistry, type TestRegistry } from '../../support/registry.js';

export interface SourceAndTarget {
  src: TestRegistry;
  dst: TestRegistry;
}

/** Call inside a describe block, before its own hooks: started before them, stopped after them. */
export function useSourceAndTarget(): SourceAndTarget {
  const r = {} as SourceAndTarget;
  beforeAll(async () => {
    r.src = await startRegistry();
    r.dst = await startRegistry();
  });
  afterAll(async () => {
    const started = r as Partial<SourceAndTarget>;
    await started.src?.stop();
    await started.dst?.stop();
  });
  return r;
}
