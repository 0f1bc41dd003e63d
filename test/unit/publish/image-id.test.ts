import { expect, test } from 'vitest';
import { imageId } from '../../../src/publish/outputs.js';

const INDEX = 'sha256:1111111111111111111111111111111111111111111111111111111111111111';
const row = (platform: string, configDigest?: string) => ({
  platform,
  how: 'native',
  digest: `sha256:${'2'.repeat(64)}`,
  size: 1,
  configDigest,
});

// build-push-action's imageid is buildx's --iidfile: a config digest for one platform, the index digest for several.
test.each([
  [1, [row('linux/amd64', 'sha256:cfg-amd64')], 'sha256:cfg-amd64'],
  [2, [row('linux/amd64', 'sha256:cfg-amd64'), row('linux/arm64', 'sha256:cfg-arm64')], INDEX],
  [3, [row('linux/amd64')], INDEX],
  [4, [], INDEX],
])('%i: imageid of %j', (_n, rows, expected) => {
  expect(imageId(rows, INDEX)).toBe(expected);
});
