// Supply chain: default images pinned by digest, and --privileged only for
// the container that registers QEMU in binfmt_misc.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect, test } from 'vitest';
import { actionDefaults, ROOT } from '../../support/action-runner.js';

test.each([
  [1, 'qemu-image'],
  [2, 'qemu-fallback-image'],
  [3, 'buildkit-image'],
  [4, 'registry-image'],
])('%i: the default %s is pinned by digest', (_n, input) => {
  expect(actionDefaults()[input]).toMatch(/@sha256:[a-f0-9]{64}$/);
});

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
}

test("'--privileged' is passed to docker only by the binfmt registration", () => {
  const users = sources(path.join(ROOT, 'src')).filter((f) =>
    readFileSync(f, 'utf8').includes("'--privileged'"),
  );
  expect(users.map((f) => path.relative(ROOT, f))).toEqual(['src/qemu/image-mode.ts']);
});
