import { expect, test } from 'vitest';
import { registryContainerArgs, registryContainerName } from '../../../src/local-registry/container.js';

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
