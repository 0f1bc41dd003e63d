// What a stopped run says reached the targets (pure).
import { expect, test } from 'vitest';
import { describeReached } from '../../../src/publish/reached.js';

test.each([
  [1, { blobs: 0, bytes: 0, tags: [] }, 'no blob reached any target; nothing was tagged'],
  [2, { blobs: 1, bytes: 2_500_000, tags: [] }, '1 blob (2.5 MB) was uploaded untagged; nothing was tagged'],
  [
    3,
    { blobs: 7, bytes: 772_000_000, tags: [] },
    '7 blobs (772.0 MB) were uploaded untagged; nothing was tagged',
  ],
  [
    4,
    { blobs: 2, bytes: 1_000_000, tags: ['r.test/app:1'] },
    '2 blobs (1.0 MB) were uploaded untagged; 1 tag(s) had already moved: r.test/app:1',
  ],
  [
    5,
    { blobs: 4, bytes: 2_100_000, interrupted: 1, tags: [] },
    '4 blobs (2.1 MB) were uploaded untagged (1 more was being uploaded and may have landed); nothing was tagged',
  ],
  [
    6,
    { blobs: 0, bytes: 0, interrupted: 3, tags: [] },
    'no blob reached any target (3 more were being uploaded and may have landed); nothing was tagged',
  ],
])('%i: %j', (_n, reached, text) => {
  expect(describeReached(reached)).toBe(text);
});
