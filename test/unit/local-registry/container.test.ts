import { expect, test } from 'vitest';
import {
  containerStorage,
  registryContainerArgs,
  registryContainerName,
} from '../../../src/local-registry/container.js';

test('registry container argv: detached, run-unique name, host network, loopback address by env', () => {
  expect(
    registryContainerArgs(registryContainerName('42-ab'), 'registry:2.8.3@sha256:x', '127.0.0.1:5123'),
  ).toEqual([
    'run',
    '--detach',
    '--name',
    'multiarch-registry-42-ab',
    '--network',
    'host',
    '--env',
    'REGISTRY_HTTP_ADDR=127.0.0.1:5123',
    '--env',
    'REGISTRY_LOG_LEVEL=error',
    '--env',
    'REGISTRY_LOG_ACCESSLOG_DISABLED=true',
    '--env',
    'REGISTRY_STORAGE_DELETE_ENABLED=true',
    'registry:2.8.3@sha256:x',
  ]);
});

test('with an htpasswd: mounted read-only, htpasswd auth by env', () => {
  const args = registryContainerArgs('n', 'img', '127.0.0.1:5123', '/run/registry/htpasswd');
  expect(args.slice(-9)).toEqual([
    '--volume',
    '/run/registry/htpasswd:/auth/htpasswd:ro',
    '--env',
    'REGISTRY_AUTH=htpasswd',
    '--env',
    'REGISTRY_AUTH_HTPASSWD_REALM=multiarch-local',
    '--env',
    'REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd',
    'img',
  ]);
});

test('with storage on the host: written as the runner, bind-mounted from the run dir', () => {
  const args = registryContainerArgs('n', 'registry:2', '127.0.0.1:5123', undefined, {
    dir: '/tmp/run/registry/data',
    user: '1001:118',
  });
  expect(args.slice(-5)).toEqual([
    '--user',
    '1001:118',
    '--volume',
    '/tmp/run/registry/data:/var/lib/registry',
    'registry:2',
  ]);
});

test.each([
  [1, '/tmp/run/registry/data', true],
  [2, '/tmp/a:b/registry/data', false],
  [3, '/tmp/a,b/registry/data', false],
])('%i: %s can be bind-mounted: %s', (_n, dir, ok) => {
  expect(containerStorage(dir) !== undefined).toBe(ok);
});
