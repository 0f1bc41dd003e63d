import { describe, expect, test } from 'vitest';
import { formatPlatform, parsePlatform, platformSlug } from '../../src/platform.js';

describe('parsePlatform', () => {
  test.each([
    [1, 'linux/amd64', 'linux/amd64'],
    [2, 'amd64', 'linux/amd64'],
    [3, 'arm64', 'linux/arm64'],
    [4, 'linux/arm64/v8', 'linux/arm64'],
    [5, 'linux/arm', 'linux/arm/v7'],
    [6, 'arm/v6', 'linux/arm/v6'],
    [7, 'x86_64', 'linux/amd64'],
    [8, 'aarch64', 'linux/arm64'],
    [9, 'ppc64el', 'linux/ppc64le'],
    [10, ' Linux/S390X ', 'linux/s390x'],
    [11, 'linux/amd64/v3', 'linux/amd64/v3'],
    [12, 'linux/amd64/v1', 'linux/amd64'],
    [13, 'i386', 'linux/386'],
    [14, 'riscv64', 'linux/riscv64'],
    [15, 'armhf', 'linux/arm/v7'],
  ])('%i: %s -> %s', (_n, raw, expected) => {
    const p = parsePlatform(raw);
    expect(p && formatPlatform(p)).toBe(expected);
  });

  test.each([
    [1, 'linux/sparc64'],
    [2, 'windows/amd64'],
    [3, 'linux/arm64/v8/extra'],
    [4, ''],
    [5, 'linux/arm/v9'],
    [6, 'darwin/arm64'],
  ])('%i: rejects %j', (_n, raw) => {
    expect(parsePlatform(raw)).toBeUndefined();
  });

  test('slug is safe in tags', () => {
    expect(platformSlug({ os: 'linux', architecture: 'arm', variant: 'v7' })).toBe('linux-arm-v7');
  });
});
