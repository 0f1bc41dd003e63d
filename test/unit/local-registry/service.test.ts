import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, test } from 'vitest';
import { parse } from 'yaml';
import { freeLoopbackPort } from '../../../src/local-registry/ready.js';
import { findOnPath, registryConfig } from '../../../src/local-registry/service.js';

test('registry config: loopback address, storage, deletes on, quiet', () => {
  const config = parse(registryConfig('127.0.0.1:5123', '/tmp/a dir/data')) as Record<
    string,
    Record<string, unknown>
  >;
  expect(config.http).toEqual({ addr: '127.0.0.1:5123' });
  expect(config.storage).toEqual({
    filesystem: { rootdirectory: '/tmp/a dir/data' },
    delete: { enabled: true },
  });
  expect(config.log).toMatchObject({ level: 'error' });
});

test('registry config with an htpasswd: only its users get in', () => {
  const config = parse(registryConfig('127.0.0.1:5123', '/d', '/r/htpasswd')) as Record<string, unknown>;
  expect(config.auth).toEqual({ htpasswd: { realm: 'multiarch-local', path: '/r/htpasswd' } });
  expect(parse(registryConfig('127.0.0.1:5123', '/d'))).not.toHaveProperty('auth');
});

test('finds the first executable of the names, in PATH order', () => {
  const a = mkdtempSync(path.join(os.tmpdir(), 'p-'));
  const b = mkdtempSync(path.join(os.tmpdir(), 'p-'));
  writeFileSync(path.join(a, 'docker-registry'), '');
  writeFileSync(path.join(b, 'docker-registry'), '');
  chmodSync(path.join(b, 'docker-registry'), 0o755);
  expect(findOnPath(['registry', 'docker-registry'], `${a}:${b}`)).toBe(path.join(b, 'docker-registry'));
  expect(findOnPath(['registry'], `${a}:${b}`)).toBeUndefined();
});

test('free ports are on loopback and differ', async () => {
  const [p1, p2] = await Promise.all([freeLoopbackPort(), freeLoopbackPort()]);
  expect(p1).toBeGreaterThan(1024);
  expect(p2).toBeGreaterThan(1024);
});
