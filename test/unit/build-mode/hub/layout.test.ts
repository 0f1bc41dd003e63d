// The layout invariant (issue 27): for every layout the action builds, a hook
// holding Hub's default command, `docker build -f "$DOCKERFILE_PATH" -t
// "$IMAGE_NAME" .`, run where the action runs hooks, builds the Dockerfile
// and context the action builds without it.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, test } from 'vitest';
import { hubLayout } from '../../../../src/build-mode/hub/layout.js';
import { sourceOf, type BuildModeOptions } from '../../../../src/build-mode/options.js';
import { BUILD_INPUT_NAMES, parseBuildInputs, type BuildInputName } from '../../../../src/inputs/build.js';
import { resolveAutoFiles } from '../../../../src/inputs/paths.js';
import type { Inputs } from '../../../../src/inputs/validate.js';
import { parsePlatform, type Platform } from '../../../../src/platform.js';
import { actionDefaults } from '../../../../support/action-runner.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'hub-layout-'));
for (const f of [
  'Dockerfile',
  'Dockerfile.arm64v8',
  'docker/Dockerfile',
  'docker/Dockerfile.arm64v8',
  'arm64/Dockerfile',
]) {
  mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
  writeFileSync(path.join(root, f), 'FROM scratch\n');
}
const platforms = ['linux/amd64', 'linux/arm64'].map((p) => parsePlatform(p) as Platform);

/** The options the inputs give ('platform-files: auto' resolved as the action does), then linux/arm64's sources. */
function sourcesFor(file: string, context: string, platformFiles: string) {
  const defaults = actionDefaults();
  const raw = Object.fromEntries(
    BUILD_INPUT_NAMES.map((n) => [n, n === 'platform-files' ? platformFiles : (defaults[n] ?? '')]),
  ) as Record<BuildInputName, string>;
  const problems: string[] = [];
  const build = parseBuildInputs(raw, root, platforms, 2, problems);
  expect(problems).toEqual([]);
  const ctx = path.resolve(root, context);
  const options = { platforms, file: path.resolve(ctx, file), context: ctx, build };
  resolveAutoFiles(options as unknown as Inputs);
  return sourceOf(options as unknown as BuildModeOptions, 'linux/arm64');
}

// file and context as given to 'file' (relative to 'context' here) and 'context'.
test.each([
  [1, 'root Dockerfile, context the root', 'Dockerfile', '.', '', '.', 'Dockerfile', '/'],
  [
    2,
    'subdirectory Dockerfile, context the root',
    'docker/Dockerfile',
    '.',
    '',
    '.',
    'docker/Dockerfile',
    '/',
  ],
  [
    3,
    'subdirectory Dockerfile, context its directory',
    'Dockerfile',
    'docker',
    '',
    'docker',
    'Dockerfile',
    '/docker',
  ],
  [
    4,
    'explicit, root Dockerfile.arm64v8, context the root',
    'Dockerfile',
    '.',
    'linux/arm64=Dockerfile.arm64v8',
    '.',
    'Dockerfile.arm64v8',
    '/',
  ],
  [
    5,
    'explicit, arm64/Dockerfile, context the root',
    'Dockerfile',
    '.',
    'linux/arm64=arm64/Dockerfile',
    '.',
    'arm64/Dockerfile',
    '/',
  ],
  [
    6,
    'explicit, arm64/Dockerfile@ (its directory)',
    'Dockerfile',
    '.',
    'linux/arm64=arm64/Dockerfile@',
    'arm64',
    'Dockerfile',
    '/arm64',
  ],
  [
    7,
    'explicit, arm64/Dockerfile@. (the root)',
    'Dockerfile',
    '.',
    'linux/arm64=arm64/Dockerfile@.',
    '.',
    'arm64/Dockerfile',
    '/',
  ],
  [8, 'auto, root Dockerfile, context the root', 'Dockerfile', '.', 'auto', '.', 'Dockerfile.arm64v8', '/'],
  [
    9,
    'auto, subdirectory Dockerfile, context the root',
    'docker/Dockerfile',
    '.',
    'auto',
    '.',
    'docker/Dockerfile.arm64v8',
    '/',
  ],
  [
    10,
    'auto, subdirectory Dockerfile, context its directory',
    'Dockerfile',
    'docker',
    'auto',
    'docker',
    'Dockerfile.arm64v8',
    '/docker',
  ],
])('%i: %s', (_n, _layout, file, context, platformFiles, cwd, dockerfilePath, buildPath) => {
  const built = sourcesFor(file, context, platformFiles);
  const layout = hubLayout({ root, ...built });
  expect(layout).toEqual({
    cwd: path.resolve(root, cwd),
    DOCKERFILE_PATH: dockerfilePath,
    BUILD_PATH: buildPath,
  });
  // Hub's default command from there: `-f "$DOCKERFILE_PATH"` and `.` are what the action builds.
  expect(path.resolve(layout.cwd, layout.DOCKERFILE_PATH)).toBe(built.file);
  expect(path.resolve(layout.cwd, '.')).toBe(built.context);
});

test('a context outside the repository: BUILD_PATH is its absolute path, the invariant holds', () => {
  const layout = hubLayout({ root: '/ws', file: '/other/Dockerfile', context: '/other' });
  expect(layout).toEqual({ cwd: '/other', DOCKERFILE_PATH: 'Dockerfile', BUILD_PATH: '/other' });
});
