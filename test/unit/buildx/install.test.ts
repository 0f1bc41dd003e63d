import { createServer } from 'node:http';
import { expect, test } from 'vitest';
import { parseLatestTag, planBuildx, resolveLatestBuildx } from '../../../src/buildx/install.js';
import { createBuilderArgs } from '../../../src/buildx/builder.js';
import { Http } from '../../../src/http.js';

test.each([
  [1, 'auto', '0.13.1', false, { use: 'runner', version: '0.13.1' }],
  [2, 'auto', '0.10.0', true, { use: 'runner', version: '0.10.0' }],
  [3, 'auto', '0.9.1', false, { use: 'release', version: 'latest' }],
  [4, 'auto', undefined, false, { use: 'release', version: 'latest' }],
  [5, 'latest', '0.19.2', false, { use: 'release', version: 'latest' }],
  [6, 'v0.13.1', '0.13.1', true, { use: 'release', version: 'v0.13.1' }],
  [7, 'v0.19.2', undefined, true, { use: 'release', version: 'v0.19.2' }],
  [8, 'system', '0.12.0', false, { use: 'runner', version: '0.12.0' }],
])('%i: buildx-version %s, runner %s, mirror %s -> %j', (_n, input, runner, mirror, plan) => {
  expect(planBuildx(input, runner, mirror)).toEqual(plan);
});

test.each([
  [
    1,
    'system',
    undefined,
    false,
    /^docker buildx is not installed on the runner, and 'buildx-version' is 'system'\./,
  ],
  [
    2,
    'system',
    '0.9.1',
    false,
    /^docker buildx 0\.9\.1 on the runner is too old; this action needs 0\.10\.0/,
  ],
  [
    3,
    'auto',
    '0.9.1',
    true,
    /runner's buildx is 0\.9\.1, older than 0\.10\.0, and 'buildx-url' is a mirror.*Set 'buildx-version'/,
  ],
  [4, 'auto', undefined, true, /runner's buildx is not installed, and 'buildx-url' is a mirror/],
])('%i: buildx-version %s, runner %s, mirror %s fails', (_n, input, runner, mirror, message) => {
  expect(() => planBuildx(input, runner, mirror)).toThrow(message);
});

test.each([
  [1, 'https://github.com/docker/buildx/releases/tag/v0.19.2', 'v0.19.2'],
  [2, '/docker/buildx/releases/tag/v0.13.1/', 'v0.13.1'],
  [3, 'https://github.com/docker/buildx/releases', undefined],
  [4, 'https://github.com/docker/buildx/releases/tag/v0.20.0-rc1', undefined],
  [5, undefined, undefined],
])('%i: latest from Location %j -> %j', (_n, location, tag) => {
  expect(parseLatestTag(location)).toBe(tag);
});

test('latest: the tag /releases/latest redirects to, or a clear error', async () => {
  const server = createServer((req, res) => {
    if (req.url === '/ok') res.writeHead(302, { location: '/docker/buildx/releases/tag/v0.19.2' }).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const http = new Http();
  try {
    expect(await resolveLatestBuildx(http, `${origin}/ok`)).toBe('v0.19.2');
    await expect(resolveLatestBuildx(http, `${origin}/gone`)).rejects.toThrow(
      `Cannot resolve the latest buildx release from ${origin}/gone: HTTP 404 without a release tag. Set 'buildx-version'`,
    );
  } finally {
    await http.close();
    await new Promise((r) => server.close(r));
  }
});

test.each([
  [
    1,
    { name: 'multiarch-1-ab', image: 'moby/buildkit:v0.25.0', config: '' },
    ['--driver-opt', 'image=moby/buildkit:v0.25.0', '--bootstrap'],
  ],
  [
    2,
    { name: 'multiarch-1-ab', image: 'mirror.local/buildkit:1', config: '/w/buildkitd.toml' },
    ['--driver-opt', 'image=mirror.local/buildkit:1', '--config', '/w/buildkitd.toml', '--bootstrap'],
  ],
])('%i: builder argv for %j', (_n, spec, tail) => {
  const args = createBuilderArgs(spec);
  expect(args.slice(0, 8)).toEqual([
    'buildx',
    'create',
    '--name',
    'multiarch-1-ab',
    '--driver',
    'docker-container',
    '--driver-opt',
    'network=host',
  ]);
  expect(args.slice(8)).toEqual(tail);
});
