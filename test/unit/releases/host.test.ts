import { expect, test } from 'vitest';
import { buildxAssetName } from '../../../src/buildx/install.js';
import { registryAssetName } from '../../../src/local-registry/install.js';
import { goPlatform } from '../../../src/releases/host.js';

test.each([
  [1, 'linux', 'x64', '7', 'buildx-v0.13.1.linux-amd64', 'registry_2.8.3_linux_amd64.tar.gz'],
  [2, 'linux', 'arm64', '7', 'buildx-v0.13.1.linux-arm64', 'registry_2.8.3_linux_arm64.tar.gz'],
  [3, 'linux', 'arm', '7', 'buildx-v0.13.1.linux-arm-v7', 'registry_2.8.3_linux_armv7.tar.gz'],
  [4, 'linux', 'arm', '6', 'buildx-v0.13.1.linux-arm-v6', 'registry_2.8.3_linux_armv6.tar.gz'],
  [5, 'linux', 'ppc64', '7', 'buildx-v0.13.1.linux-ppc64le', 'registry_2.8.3_linux_ppc64le.tar.gz'],
  [6, 'linux', 's390x', '7', 'buildx-v0.13.1.linux-s390x', 'registry_2.8.3_linux_s390x.tar.gz'],
  [7, 'linux', 'riscv64', '7', 'buildx-v0.13.1.linux-riscv64', 'registry_2.8.3_linux_riscv64.tar.gz'],
  [8, 'darwin', 'arm64', '7', 'buildx-v0.13.1.darwin-arm64', 'registry_2.8.3_darwin_arm64.tar.gz'],
  [9, 'win32', 'x64', '7', 'buildx-v0.13.1.windows-amd64.exe', 'registry_2.8.3_windows_amd64.tar.gz'],
])('%i: %s/%s (arm v%s) -> %s, %s', (_n, platform, arch, armVersion, buildx, registry) => {
  const host = goPlatform(platform, arch, armVersion);
  expect(host).toBeDefined();
  if (!host) return;
  expect(buildxAssetName('v0.13.1', host)).toBe(buildx);
  expect(registryAssetName('2.8.3', host)).toBe(registry);
});

test.each([
  [1, 'aix', 'ppc64'],
  [2, 'linux', 'mips'],
])('%i: no release for %s/%s', (_n, platform, arch) => {
  expect(goPlatform(platform, arch)).toBeUndefined();
});
