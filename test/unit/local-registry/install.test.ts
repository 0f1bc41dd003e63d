// The registry release for this host, and what is logged about a registry
// binary found on PATH instead: its resolved path and version, since it runs
// without a checksum to verify it against.
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, test } from 'vitest';
import { describeRegistryOnPath, registryAssetName } from '../../../src/local-registry/install.js';
import { stdoutOf } from '../../helpers/stdout.js';

test.each([
  [1, { os: 'linux', arch: 'amd64' }, 'registry_2.8.3_linux_amd64.tar.gz'],
  [2, { os: 'linux', arch: 'arm', variant: 'v7' }, 'registry_2.8.3_linux_armv7.tar.gz'],
])('%i: asset name for %j is %s', (_n, host, name) => {
  expect(registryAssetName('2.8.3', host)).toBe(name);
});

test('a registry on PATH is logged with its resolved path and the version it reports', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'registry-on-path-'));
  const real = path.join(dir, 'registry-2.8.3');
  writeFileSync(real, '#!/bin/sh\necho "registry github.com/docker/distribution v2.8.3"\n', { mode: 0o755 });
  symlinkSync(real, path.join(dir, 'registry'));
  const out = await stdoutOf(() => describeRegistryOnPath(path.join(dir, 'registry')));
  expect(out).toContain(
    `Using the registry binary on PATH, not re-verified (no checksum is known for it): ${dir}/registry -> ${real}, version 'registry github.com/docker/distribution v2.8.3'`,
  );
});

test('a registry on PATH whose --version fails is still named, its version unknown', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'registry-on-path-'));
  writeFileSync(path.join(dir, 'registry'), '#!/bin/sh\nexit 2\n', { mode: 0o755 });
  const out = await stdoutOf(() => describeRegistryOnPath(path.join(dir, 'registry')));
  expect(out).toContain(`${dir}/registry, version unknown (--version failed)`);
});
