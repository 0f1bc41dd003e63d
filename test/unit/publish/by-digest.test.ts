import { expect, test } from 'vitest';
import { digestFileContent } from '../../../src/publish/by-digest.js';
import type { PlatformResult } from '../../../src/build/platforms.js';
import type { Target } from '../../../src/publish/all-or-nothing.js';

test('digest file: repository, platform -> digest, and the job index', () => {
  const target = { client: { registry: 'ghcr.io' }, repository: 'acme/app', tags: [] } as unknown as Target;
  const results = [
    {
      platform: 'linux/arm64',
      image: { digest: 'sha256:aa', size: 1, entries: [], platform: 'linux/arm64' },
      seconds: 1,
    },
  ] as PlatformResult[];
  expect(
    digestFileContent(target, results, { digest: 'sha256:ii', mediaType: 'x', bytes: Buffer.alloc(0) }),
  ).toEqual({
    repository: 'ghcr.io/acme/app',
    platforms: { 'linux/arm64': 'sha256:aa' },
    index: 'sha256:ii',
  });
});
