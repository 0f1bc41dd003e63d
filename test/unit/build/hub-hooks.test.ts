import { expect, test } from 'vitest';
import { hookEnv, isQemuRegisterOnly } from '../../../src/build/hub-hooks.js';
import { parseReference } from '../../../src/registry/reference.js';

test.each([
  [
    1,
    '#!/bin/bash\n# Register qemu-*-static for all supported processors\ndocker run --rm --privileged multiarch/qemu-user-static:register --reset\n',
    true,
  ],
  [2, '#!/bin/bash\nset -e\ndocker run --rm --privileged multiarch/qemu-user-static --reset -p yes\n', true],
  [3, 'docker run --rm --privileged multiarch/qemu-user-static:register --reset\necho done\n', false],
  [4, '#!/bin/sh\nwget https://example.com/x\n', false],
  [5, '# only comments\n', false],
  [6, 'sudo docker run --privileged --rm multiarch/qemu-user-static:register\n', true],
])('%i: pre_build only registers QEMU? %s', (_n, script, expected) => {
  expect(isQemuRegisterOnly(script)).toBe(expected);
});

test('Docker Hub variables from the GitHub context and the first tag', () => {
  const env = hookEnv({
    tags: [parseReference('acme/app:1.2'), parseReference('ghcr.io/acme/app:1.2')],
    context: '/ws',
    file: '/ws/docker/Dockerfile.arm64v8',
    network: 'host',
    github: { GITHUB_REF_NAME: 'main', GITHUB_SHA: 'abc123' },
    commitMessage: 'Fix it',
  });
  expect(env).toEqual({
    SOURCE_BRANCH: 'main',
    SOURCE_COMMIT: 'abc123',
    COMMIT_MSG: 'Fix it',
    DOCKER_REPO: 'index.docker.io/acme/app',
    DOCKERFILE_PATH: 'docker/Dockerfile.arm64v8',
    DOCKER_TAG: '1.2',
    IMAGE_NAME: 'index.docker.io/acme/app:1.2',
    CACHE_TAG: '1.2',
    DOCKER_BUILDKIT: '1',
    BUILD_NETWORK: 'host',
  });
});

test('pull requests use the head branch', () => {
  const env = hookEnv({
    tags: [],
    context: '/ws/app',
    file: '/ws/app/Dockerfile',
    network: '',
    github: { GITHUB_HEAD_REF: 'feature', GITHUB_REF_NAME: '12/merge' },
    commitMessage: '',
  });
  expect(env).toMatchObject({
    SOURCE_BRANCH: 'feature',
    DOCKER_REPO: 'localhost/app',
    DOCKER_TAG: 'latest',
    BUILD_NETWORK: 'default',
  });
});
