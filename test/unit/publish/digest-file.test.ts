import { expect, test } from 'vitest';
import { digestFileContent } from '../../../src/publish/digest-file.js';
import type { Target } from '../../../src/registry/clients.js';

test('digest file: repository, platform -> digest, and the job index', () => {
  const target = { client: { registry: 'ghcr.io' }, repository: 'acme/app', tags: [] } as unknown as Target;
  const platforms = { 'linux/arm64': 'sha256:aa' };
  expect(
    digestFileContent(target, platforms, { digest: 'sha256:ii', mediaType: 'x', bytes: Buffer.alloc(0) }),
  ).toEqual({
    repository: 'ghcr.io/acme/app',
    platforms: { 'linux/arm64': 'sha256:aa' },
    index: 'sha256:ii',
  });
});
