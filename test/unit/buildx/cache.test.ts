import { expect, test } from 'vitest';
import { needsContainerDriver, scopeCacheEntry } from '../../../src/buildx/cache.js';

test.each([
  [1, 'type=gha', 'type=gha,scope=buildkit-linux-arm64'],
  [2, 'type=gha,scope=app,mode=max', 'type=gha,scope=app-linux-arm64,mode=max'],
  [3, 'type=registry,ref=ghcr.io/a/b:cache', 'type=registry,ref=ghcr.io/a/b:cache-linux-arm64'],
  [4, 'ghcr.io/a/b:cache', 'type=registry,ref=ghcr.io/a/b:cache-linux-arm64'],
  [5, 'type=registry,ref=localhost:5000/a/b', 'type=registry,ref=localhost:5000/a/b:linux-arm64'],
  [
    6,
    `type=registry,ref=ghcr.io/a/b@sha256:${'0'.repeat(64)}`,
    `type=registry,ref=ghcr.io/a/b@sha256:${'0'.repeat(64)}`,
  ],
  [7, 'type=local,dest=/tmp/cache,mode=max', 'type=local,dest=/tmp/cache/linux-arm64,mode=max'],
  [8, 'type=inline', 'type=inline'],
  [9, 'type=gha,scope=app-{platform}', 'type=gha,scope=app-linux-arm64'],
  [10, 'type=s3,region=eu,bucket=b,name=app', 'type=s3,region=eu,bucket=b,name=app-linux-arm64'],
])('%i: %s', (_n, entry, expected) => {
  expect(scopeCacheEntry(entry, 'linux-arm64')).toBe(expected);
});

test.each([
  [1, ['type=inline'], undefined],
  [2, ['type=inline', 'type=registry,ref=x'], 'type=registry,ref=x'],
  [3, ['type=gha,mode=max'], 'type=gha,mode=max'],
  [4, [], undefined],
])('%i: docker driver can export %j?', (_n, entries, expected) => {
  expect(needsContainerDriver(entries)).toBe(expected);
});
