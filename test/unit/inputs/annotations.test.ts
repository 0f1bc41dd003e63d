// 'annotations' with metadata-action's and buildx's level prefixes.
import { expect, test } from 'vitest';
import { parseAnnotations } from '../../../src/inputs/annotations.js';

test.each([
  [
    1,
    'org.opencontainers.image.description=hello',
    [{ level: 'index', key: 'org.opencontainers.image.description', value: 'hello' }],
  ],
  [2, 'manifest:a=b', [{ level: 'manifest', key: 'a', value: 'b' }]],
  [3, 'index:a=b:c=d', [{ level: 'index', key: 'a', value: 'b:c=d' }]],
  [4, 'manifest-descriptor:a=b', [{ level: 'manifest-descriptor', key: 'a', value: 'b' }]],
  [5, 'index-descriptor:a=b', [{ level: 'index-descriptor', key: 'a', value: 'b' }]],
  [
    6,
    'manifest,index:a=b',
    [
      { level: 'manifest', key: 'a', value: 'b' },
      { level: 'index', key: 'a', value: 'b' },
    ],
  ],
  [7, 'manifest[arm64]:a=b', [{ level: 'manifest', platform: 'linux/arm64', key: 'a', value: 'b' }]],
  [8, 'a=http://x', [{ level: 'index', key: 'a', value: 'http://x' }]],
])('%i: %s', (_n, line, expected) => {
  const problems: string[] = [];
  expect(parseAnnotations(line, problems)).toEqual(expected);
  expect(problems).toEqual([]);
});

test.each([
  [1, 'layer:a=b', /'layer:a=b', whose level 'layer' is unknown; valid levels are index, manifest/],
  [2, 'manifest[sparc]:a=b', /whose platform 'sparc' is unknown/],
  [3, 'index[linux/amd64]:a=b', /a platform narrows only manifest and manifest-descriptor/],
  [4, 'manifest:=b', /each line must be \[LEVEL:\]KEY=VALUE/],
  [5, 'no-equals', /'no-equals'; each line must be \[LEVEL:\]KEY=VALUE/],
])('%i: refuses %s', (_n, line, message) => {
  const problems: string[] = [];
  parseAnnotations(line, problems);
  expect(problems.join('\n')).toMatch(message);
});
