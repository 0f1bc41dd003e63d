import { expect, test } from 'vitest';
import { checkHooks, reportLines } from '../../../../src/build-mode/hub/check.js';
import type { HookName } from '../../../../src/build-mode/hub/find.js';

const root = '/ws';
const site = (platform: string, dir: string, present: HookName[], compose = false) => ({
  platform,
  cwd: `/ws/${dir}`,
  hooks: present.length > 0 ? { dir: `/ws/${dir}/hooks`, present } : undefined,
  composeFile: compose ? `/ws/${dir}/docker-compose.test.yml` : undefined,
  env: { DOCKERFILE_PATH: 'Dockerfile', BUILD_PATH: `/${dir}` },
});
const texts = {
  '/ws/amd64/hooks/build': '#!/bin/bash\ndocker build -f "$DOCKERFILE_PATH" -t "$IMAGE_NAME" .\n',
  '/ws/amd64/hooks/post_push': '#!/bin/bash\necho pushed\n',
  '/ws/arm64/hooks/pre_build':
    '#!/bin/bash\ndocker run --rm --privileged multiarch/qemu-user-static:register --reset\n',
  '/ws/arm64/hooks/push': '#!/bin/bash\ndocker push "$IMAGE_NAME"\n',
  '/ws/arm64/hooks/test': '#!/bin/bash\ndocker run --rm "$IMAGE_NAME" true\n',
};
const hub = [
  site('linux/amd64', 'amd64', ['build', 'post_push'], true),
  site('linux/arm64', 'arm64', ['pre_build', 'test', 'push'], true),
  site('linux/s390x', 's390x', []),
];
const checks = checkHooks(hub, root, texts);

test.each([
  [1, 'linux/amd64', 'amd64/hooks/build', 'runs', "in place of the action's build of this platform"],
  [2, 'linux/amd64', 'amd64/hooks/post_push', 'runs', ''],
  [3, 'linux/amd64', 'amd64/hooks/pre_build', 'absent', ''],
  [4, 'linux/amd64', 'amd64/docker-compose.test.yml', 'runs', 'its sut service, before any push'],
  [
    5,
    'linux/arm64',
    'arm64/hooks/pre_build',
    'skipped',
    'it only registers QEMU, which this action has already done.',
  ],
  [6, 'linux/arm64', 'arm64/hooks/push', 'skipped', /^it only runs docker push "\$IMAGE_NAME"/],
  [7, 'linux/arm64', 'arm64/hooks/test', 'runs', 'in place of docker-compose.test.yml'],
  [8, 'linux/arm64', 'arm64/docker-compose.test.yml', 'skipped', 'hooks/test replaces it.'],
  [9, 'linux/s390x', 'hooks/build', 'absent', ''],
  [10, 'linux/s390x', 'docker-compose.test.yml', 'absent', ''],
])('%i: %s %s %s', (_n, platform, label, outcome, why) => {
  const c = checks.find((x) => x.platform === platform && x.label === label);
  expect(c?.outcome).toBe(outcome);
  if (typeof why === 'string') expect(c?.why).toBe(why);
  else expect(c?.why).toMatch(why);
});

test('one entry per hook name and the test file, for each platform', () => {
  expect(checks).toHaveLength(3 * 11);
});

test('the report: where hooks run, each present file, then the absent names', () => {
  expect(reportLines(hub[0] as (typeof hub)[0], root, checks)).toEqual([
    'linux/amd64: hooks run in amd64 with DOCKERFILE_PATH=Dockerfile BUILD_PATH=/amd64',
    "  amd64/hooks/build: runs as written, in place of the action's build of this platform",
    '  amd64/hooks/post_push: runs as written',
    '  amd64/docker-compose.test.yml: runs as written, its sut service, before any push',
    '  absent: post_checkout, pre_build, post_build, pre_test, test, post_test, pre_push, push',
  ]);
  expect(reportLines(hub[2] as (typeof hub)[0], root, checks)).toEqual([
    'linux/s390x: hooks run in s390x with DOCKERFILE_PATH=Dockerfile BUILD_PATH=/s390x',
    '  absent: post_checkout, pre_build, build, post_build, pre_test, test, post_test, pre_push, push, post_push, docker-compose.test.yml',
  ]);
});
