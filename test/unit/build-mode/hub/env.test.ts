import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, test } from 'vitest';
import { hookEnv, readCommitMessage, sourceBranch } from '../../../../src/build-mode/hub/env.js';
import { parseReference } from '../../../../src/registry/reference.js';

test('Docker Hub variables from the GitHub context, the first tag and build-args', () => {
  const env = hookEnv({
    tags: [parseReference('acme/app:1.2'), parseReference('ghcr.io/acme/app:1.2')],
    root: '/ws',
    context: '/ws',
    file: '/ws/docker/Dockerfile.arm64v8',
    network: 'host',
    buildArgs: ['VERSION=1.2', 'EMPTY=', 'URL=a=b'],
    github: { GITHUB_REF_NAME: 'main', GITHUB_SHA: 'abc123' },
    commitMessage: 'Fix it',
  });
  expect(env).toEqual({
    VERSION: '1.2',
    EMPTY: '',
    URL: 'a=b',
    SOURCE_BRANCH: 'main',
    SOURCE_COMMIT: 'abc123',
    COMMIT_MSG: 'Fix it',
    DOCKER_REPO: 'index.docker.io/acme/app',
    DOCKERFILE_PATH: 'docker/Dockerfile.arm64v8',
    BUILD_PATH: '/',
    DOCKER_TAG: '1.2',
    IMAGE_NAME: 'index.docker.io/acme/app:1.2',
    CACHE_TAG: '1.2',
    DOCKER_BUILDKIT: '1',
    BUILD_NETWORK: 'host',
  });
});

// The runner's variables for each event (docs.github.com, "Store information in variables").
test.each([
  [1, 'branch push', { GITHUB_REF: 'refs/heads/main', GITHUB_REF_NAME: 'main', GITHUB_HEAD_REF: '' }, 'main'],
  [
    2,
    'tag push',
    { GITHUB_REF: 'refs/tags/v1.2.0', GITHUB_REF_NAME: 'v1.2.0', GITHUB_HEAD_REF: '' },
    'v1.2.0',
  ],
  [
    3,
    'pull request',
    { GITHUB_REF: 'refs/pull/12/merge', GITHUB_REF_NAME: '12/merge', GITHUB_HEAD_REF: 'feature/x' },
    'feature/x',
  ],
  [4, 'only GITHUB_REF', { GITHUB_REF: 'refs/heads/dev' }, 'dev'],
])('%i: SOURCE_BRANCH on a %s', (_n, _event, github, expected) => {
  expect(sourceBranch(github)).toBe(expected);
});

test('without tags: a local repository named after the context', () => {
  const env = hookEnv({
    tags: [],
    root: '/ws',
    context: '/ws/app',
    file: '/ws/app/Dockerfile',
    network: '',
    buildArgs: [],
    github: {},
    commitMessage: '',
  });
  expect(env).toMatchObject({ DOCKER_REPO: 'localhost/app', DOCKER_TAG: 'latest', BUILD_NETWORK: 'default' });
});

test.each([
  [1, { head_commit: { message: 'Fix it\n\nLong' } }, 'Fix it\n\nLong'],
  [2, { pull_request: { title: 'Add arm64' } }, 'Add arm64'],
  [3, {}, ''],
])('%i: COMMIT_MSG from the event payload', (_n, event, expected) => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'event-')), 'event.json');
  writeFileSync(file, JSON.stringify(event));
  expect(readCommitMessage(file)).toBe(expected);
});
