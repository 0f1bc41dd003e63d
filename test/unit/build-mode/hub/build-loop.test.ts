import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { followBuildLoop, HookLineError, statementsOf } from '../../../../src/build-mode/hub/build-loop.js';
import { PER_ARCH_BUILD_HOOK, sh } from '../../../helpers/hub-hooks.js';

const vars = {
  SOURCE_BRANCH: 'v1.2.0',
  SOURCE_COMMIT: 'abcdef0123456789abcdef0123456789abcdef01',
  DOCKER_REPO: 'index.docker.io/acme/app',
  DOCKER_TAG: 'latest',
  IMAGE_NAME: 'index.docker.io/acme/app:latest',
  DOCKERFILE_PATH: 'Dockerfile',
};
const files = ['Dockerfile', 'Dockerfile.s390x', 'Dockerfile.arm64v8', 'README.md', 'hooks'];
const now = new Date(Date.UTC(2026, 11, 5, 1, 2, 3));
const follow = (script: string) => followBuildLoop(script, vars, files, now);

test('examples/hub-template: each docker build with its line, file, Hub tag and evaluated build args', () => {
  const script = readFileSync(
    new URL('../../../../examples/hub-template/hooks/build', import.meta.url),
    'utf8',
  );
  const builds = follow(script);
  const common = ['VERSION=1.2.0', 'BUILD_DATE=2026-12-05T01:02:03Z', 'VCS_REF=abcdef0'];
  expect(builds.map(({ line, file, tags, buildArgs }) => ({ line, file, tags, buildArgs }))).toEqual([
    { line: 11, file: 'Dockerfile', tags: ['index.docker.io/acme/app:latest_amd64'], buildArgs: common },
    {
      line: 20,
      file: 'Dockerfile.arm64v8',
      tags: ['index.docker.io/acme/app:latest_arm64v8'],
      buildArgs: [...common, 'ARCH=arm64v8'],
    },
    {
      line: 20,
      file: 'Dockerfile.s390x',
      tags: ['index.docker.io/acme/app:latest_s390x'],
      buildArgs: [...common, 'ARCH=s390x'],
    },
  ]);
});

test.each<[number, string, { file: string; buildArgs: string[]; tags?: string[]; labels?: string[] }[]]>([
  [
    1,
    PER_ARCH_BUILD_HOOK,
    [
      { file: 'Dockerfile.arm64v8', buildArgs: [], tags: ['index.docker.io/acme/app:arm64v8'] },
      { file: 'Dockerfile.s390x', buildArgs: [], tags: ['index.docker.io/acme/app:s390x'] },
    ],
  ],
  [
    2,
    sh(
      'for arch in amd64 arm64v8; do docker build --build-arg ARCH=$arch --label "arch=$arch" -f Dockerfile.$arch .; done',
    ),
    [
      { file: 'Dockerfile.amd64', buildArgs: ['ARCH=amd64'], labels: ['arch=amd64'] },
      { file: 'Dockerfile.arm64v8', buildArgs: ['ARCH=arm64v8'], labels: ['arch=arm64v8'] },
    ],
  ],
  [
    3,
    sh(
      'export BUILD_VERSION="${SOURCE_BRANCH}"',
      'NOT_EXPORTED=x',
      'for f in "${DOCKERFILE_PATH}".*; do',
      '  docker build --build-arg BUILD_VERSION --build-arg NOT_EXPORTED --build-arg UNSET_ONE --build-arg DOCKER_TAG -f "./$f" .',
      'done',
    ),
    [
      // As docker reads `--build-arg NAME` from its environment: exported and Hub's variables only.
      { file: 'Dockerfile.arm64v8', buildArgs: ['BUILD_VERSION=v1.2.0', 'DOCKER_TAG=latest'] },
      { file: 'Dockerfile.s390x', buildArgs: ['BUILD_VERSION=v1.2.0', 'DOCKER_TAG=latest'] },
    ],
  ],
  [
    4,
    // An assignment that cannot be evaluated is refused only where it is used.
    sh(
      'UNUSED=$(uname -m)',
      'for f in Dockerfile.*; do docker build --rm --pull --network host -f $f . ; done',
    ),
    [
      { file: 'Dockerfile.arm64v8', buildArgs: [] },
      { file: 'Dockerfile.s390x', buildArgs: [] },
    ],
  ],
])('%i: follows the loop', (_n, script, want) => {
  const builds = follow(script);
  expect(builds.map((b) => ({ file: b.file, buildArgs: b.buildArgs }))).toEqual(
    want.map(({ file, buildArgs }) => ({ file, buildArgs })),
  );
  want.forEach((w, i) => {
    if (w.tags) expect(builds[i]?.tags).toEqual(w.tags);
    if (w.labels) expect(builds[i]?.labels).toEqual(w.labels);
  });
});

test.each<[number, string, number, RegExp]>([
  [
    1,
    sh('for f in Dockerfile.*; do', '  docker build --build-arg V=$(cat VERSION) -f $f .', 'done'),
    3,
    /cannot evaluate \$\(cat VERSION\)/,
  ],
  [
    2,
    sh('for f in Dockerfile.*; do', '  if [ "$f" = x ]; then continue; fi', 'done'),
    3,
    /cannot follow this command/,
  ],
  [
    3,
    sh('V=$(uname -m)', 'for f in Dockerfile.*; do docker build --build-arg V=$V -f $f .; done'),
    3,
    /cannot evaluate \$\(uname -m\)/,
  ],
  [
    4,
    sh('for f in Dockerfile.*; do docker build --squash --secret id=x -f $f .; done'),
    2,
    /--secret has no equivalent/,
  ],
  [5, sh('for f in Dockerfile.*; do docker build -f $f ..; done'), 2, /builds context '\.\.', not '\.'/],
  [
    6,
    sh('. ./hooks/env', 'for f in Dockerfile.*; do docker build -f $f .; done'),
    2,
    /cannot follow this command/,
  ],
])('%i: refuses, naming the line', (_n, script, line, why) => {
  let error: unknown;
  try {
    follow(script);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(HookLineError);
  expect((error as HookLineError).line).toBe(line);
  expect((error as HookLineError).reason).toMatch(why);
});

test('statements keep their first line; comments, continuations, ; and && handled; # inside ${} kept', () => {
  expect(statementsOf('a=1 # note\nb=${x#y} && docker build \\\n  -f F .; echo "a;b"\n')).toEqual([
    { line: 1, text: 'a=1' },
    { line: 2, text: 'b=${x#y}' },
    { line: 2, text: 'docker build -f F .' },
    { line: 2, text: 'echo "a;b"' },
  ]);
});
