import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, test } from 'vitest';
import { hostNetworkOverride, projectName } from '../../../../src/build-mode/hub/compose.js';
import { findComposeTest, findHooks, searchDirs } from '../../../../src/build-mode/hub/find.js';
import { officialArchFiles } from '../../../../src/build-mode/hub/official-arch.js';

function tree(files: string[]): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'hub-'));
  for (const f of files) {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), '#!/bin/bash\n');
    chmodSync(path.join(root, f), 0o755);
  }
  return root;
}

test('hooks beside the platform Dockerfile first, then beside the default one, then in the context', () => {
  const root = tree([
    'arm64/Dockerfile',
    'arm64/hooks/pre_build',
    'docker/Dockerfile',
    'docker/hooks/build',
    'hooks/post_push',
  ]);
  const dirs = (file: string) =>
    searchDirs(path.join(root, file), path.join(root, 'docker/Dockerfile'), root);
  expect(findHooks(dirs('arm64/Dockerfile'))).toEqual({
    dir: path.join(root, 'arm64/hooks'),
    present: ['pre_build'],
  });
  expect(findHooks(dirs('amd64/Dockerfile'))).toEqual({
    dir: path.join(root, 'docker/hooks'),
    present: ['build'],
  });
  expect(
    findHooks(searchDirs(path.join(root, 'x/Dockerfile'), path.join(root, 'x/Dockerfile'), root)),
  ).toEqual({
    dir: path.join(root, 'hooks'),
    present: ['post_push'],
  });
});

test('every hook name Docker Hub knows is found, in its order', () => {
  const names = [
    'push',
    'post_checkout',
    'test',
    'pre_build',
    'post_push',
    'pre_test',
    'build',
    'post_test',
    'pre_push',
    'post_build',
  ];
  const root = tree(names.map((n) => `hooks/${n}`));
  expect(findHooks([root])?.present).toEqual([
    'post_checkout',
    'pre_build',
    'build',
    'post_build',
    'pre_test',
    'test',
    'post_test',
    'pre_push',
    'push',
    'post_push',
  ]);
});

test('docker-compose.test.yml in the same order', () => {
  const root = tree(['arm64/docker-compose.test.yml', 'docker-compose.test.yml']);
  expect(findComposeTest([path.join(root, 'arm64'), root])).toBe(
    path.join(root, 'arm64/docker-compose.test.yml'),
  );
  expect(findComposeTest([path.join(root, 'amd64'), root])).toBe(path.join(root, 'docker-compose.test.yml'));
});

test('Dockerfile.<arch> by official-images names', () => {
  expect(
    officialArchFiles([
      'Dockerfile',
      'Dockerfile.arm32v7',
      'Dockerfile.arm64v8',
      'Dockerfile.i386',
      'Dockerfile.sparc',
      'README.md',
    ]),
  ).toEqual({
    'linux/arm/v7': 'Dockerfile.arm32v7',
    'linux/arm64': 'Dockerfile.arm64v8',
    'linux/386': 'Dockerfile.i386',
  });
});

test('compose: a run-unique project name and a host-network override', () => {
  expect(projectName('123-ab12', 'linux/arm/v7')).toBe('hubtest-123-ab12-linux-arm-v7');
  expect(JSON.parse(hostNetworkOverride(['sut', 'db']))).toEqual({
    services: { sut: { network_mode: 'host' }, db: { network_mode: 'host' } },
  });
});
