// A target registry, a copy of the 'hello' example's build context and one
// scratch directory, for one describe block: what the fan-out and wrong-runner
// tests share. All removed after the block.
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll } from 'vitest';
import { exampleContext } from '../../support/contexts.js';
import { useTargetRegistry, type TargetRegistry } from './target-registry.js';

export interface HelloTarget extends TargetRegistry {
  /** The hello example's context (a copy). */
  context: string;
  /** An empty directory of the test's own, named `<scratchPrefix>XXXXXX`. */
  scratch: string;
}

/** Call inside a describe block. */
export function useHelloTarget(scratchPrefix: string): HelloTarget {
  const h = useTargetRegistry() as HelloTarget;
  beforeAll(() => {
    h.context = exampleContext('hello');
    h.dirs.push(h.context);
    h.scratch = mkdtempSync(path.join(os.tmpdir(), scratchPrefix));
    h.dirs.push(h.scratch);
  });
  return h;
}
