import { expect, test } from 'vitest';
import { describePlan, planBuilds } from '../../../src/build-mode/plan.js';
import { formatPlatform, parsePlatform, type Platform } from '../../../src/platform.js';

const P = (s: string) => parsePlatform(s) as Platform;
const four = ['linux/amd64', 'linux/arm64', 'linux/s390x', 'linux/ppc64le'].map(P);
const opts = (platformFiles: Record<string, string> = {}, maxParallel = 2, platforms = four) => ({
  platforms,
  build: { platformFiles, maxParallel },
});
const names = (ps: Platform[]) => ps.map(formatPlatform);

test.each([
  [
    1,
    opts(),
    undefined,
    true,
    four,
    [],
    /^Builds: in one build: linux\/amd64, linux\/arm64, linux\/s390x, linux\/ppc64le$/,
  ],
  [
    2,
    opts({ 'linux/arm64': 'Dockerfile.arm64' }),
    undefined,
    true,
    [four[0], four[2], four[3]],
    [four[1]],
    /own Dockerfile in 'platform-files'/,
  ],
  [
    3,
    opts(),
    'hooks/build builds each platform itself',
    true,
    [],
    four,
    /hooks\/build builds each platform itself/,
  ],
  [4, opts(), undefined, false, [], four, /classic image store/],
  [5, opts({}, 1), undefined, true, [], four, /'max-parallel' is 1/],
  [
    6,
    opts({ 'linux/amd64': 'a', 'linux/arm64': 'b', 'linux/s390x': 'c' }),
    undefined,
    true,
    [],
    four,
    /no two platforms share a Dockerfile/,
  ],
  [
    7,
    opts({}, 2, [four[0] as Platform]),
    undefined,
    true,
    [],
    [four[0]],
    /^Builds: each in a build of its own: linux\/amd64$/,
  ],
])('%i: %j hook=%s multi=%s', (_n, options, hook, multi, shared, own, line) => {
  const plan = planBuilds(options, hook, multi);
  expect({ shared: names(plan.shared), own: names(plan.own) }).toEqual({
    shared: names(shared as Platform[]),
    own: names(own as Platform[]),
  });
  expect(describePlan(plan)).toMatch(line);
});
