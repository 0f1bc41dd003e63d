// A target registry, a copy of one example's build context and one scratch
// directory, for one describe block: what the tests that build an example
// (hello for fan-out, runner and hardening; build-push-drop-in) share. All
// removed after the block.
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll } from 'vitest';
import { exampleContext } from '../../support/contexts.js';
import { useTargetRegistry, type TargetRegistry } from './target-registry.js';

export interface ExampleTarget extends TargetRegistry {
  /** The example's context (a copy). */
  context: string;
  /** An empty directory of the test's own, named `<scratchPrefix>XXXXXX`. */
  scratch: string;
}

/** Call inside a describe block; `example` names a folder of examples/. */
export function useExampleTarget(example: string, scratchPrefix = 'scratch-'): ExampleTarget {
  const h = useTargetRegistry() as ExampleTarget;
  beforeAll(() => {
    h.context = exampleContext(example);
    h.dirs.push(h.context);
    h.scratch = mkdtempSync(path.join(os.tmpdir(), scratchPrefix));
    h.dirs.push(h.scratch);
  });
  return h;
}
