import { expect, test } from 'vitest';
import { buildArgs, parseMetadata } from '../../../src/buildx/build.js';
import { parseBuildxVersion } from '../../../src/buildx/version.js';
import { compareVersions } from '../../../src/versions.js';

test('build argv: one platform, pushed to the local ref, metadata file, inputs as separate args', () => {
  expect(
    buildArgs({
      platform: 'linux/arm64',
      context: '/ctx',
      file: '/ctx/Dockerfile',
      ref: '127.0.0.1:5000/build:linux-arm64',
      metadataFile: '/tmp/m.json',
      network: 'host',
      buildArgs: ['A=1 2', 'B=$(x)'],
      labels: ['org.opencontainers.image.title=hello'],
    }),
  ).toEqual([
    'buildx',
    'build',
    '--platform',
    'linux/arm64',
    '--file',
    '/ctx/Dockerfile',
    '--tag',
    '127.0.0.1:5000/build:linux-arm64',
    '--push',
    '--metadata-file',
    '/tmp/m.json',
    '--provenance=false',
    '--network',
    'host',
    '--build-arg',
    'A=1 2',
    '--build-arg',
    'B=$(x)',
    '--label',
    'org.opencontainers.image.title=hello',
    '/ctx',
  ]);
});

test('build argv: every build input becomes its own flag and value', () => {
  const args = buildArgs({
    platform: 'linux/amd64',
    context: '.',
    file: 'Dockerfile',
    ref: 'r',
    metadataFile: 'm',
    network: '',
    buildArgs: [],
    labels: [],
    target: 'runtime',
    secrets: ['id=tok,src=/run/tok'],
    noCache: true,
    pull: true,
    cacheFrom: ['type=gha,scope=buildkit-linux-amd64'],
    cacheTo: ['type=inline'],
    buildContexts: ['assets=./a'],
    provenance: 'mode=max',
    sbom: 'true',
  });
  expect(args.join(' ')).toBe(
    'buildx build --platform linux/amd64 --file Dockerfile --tag r --push --metadata-file m --provenance=mode=max --sbom=true ' +
      '--target runtime --no-cache --pull --secret id=tok,src=/run/tok --cache-from type=gha,scope=buildkit-linux-amd64 ' +
      '--cache-to type=inline --build-context assets=./a .',
  );
});

const minimal = {
  platform: 'linux/amd64,linux/arm64',
  context: '/ctx',
  file: '/ctx/Dockerfile',
  ref: 'r',
  metadataFile: 'm',
  network: '',
  buildArgs: [],
  labels: [],
};

// What RUN steps get: each option its own flags, before the context, in both build paths (one spec type).
test.each([
  [
    1,
    { addHosts: ['docker:10.180.0.1', 'db=192.168.1.5'] },
    ['--add-host', 'docker:10.180.0.1', '--add-host', 'db=192.168.1.5'],
  ],
  [2, { shmSize: '2g' }, ['--shm-size', '2g']],
  [
    3,
    { ulimits: ['nofile=1024:2048', 'nproc=-1'] },
    ['--ulimit', 'nofile=1024:2048', '--ulimit', 'nproc=-1'],
  ],
  [4, { cgroupParent: '/actions-builds' }, ['--cgroup-parent', '/actions-builds']],
  [
    5,
    { allow: ['network.host', 'security.insecure'] },
    ['--allow', 'network.host', '--allow', 'security.insecure'],
  ],
  [
    6,
    { ssh: ['default', 'github=/home/u/.ssh/id_ed25519'] },
    ['--ssh', 'default', '--ssh', 'github=/home/u/.ssh/id_ed25519'],
  ],
  [7, { noCacheFilters: ['deps', 'test'] }, ['--no-cache-filter', 'deps', '--no-cache-filter', 'test']],
  [8, { secrets: ['id=tok,env=MY_TOKEN'] }, ['--secret', 'id=tok,env=MY_TOKEN']],
  [
    9,
    { shmSize: '', cgroupParent: '', addHosts: [], ulimits: [], allow: [], ssh: [], noCacheFilters: [] },
    [],
  ],
])('%i: run-step argv for %j', (_n, options, flags) => {
  const args = buildArgs({ ...minimal, ...options });
  const base = buildArgs(minimal);
  expect(args.slice(base.length - 1, -1)).toEqual(flags);
  expect(args.at(-1)).toBe('/ctx');
});

test('a docker-container builder is named right after --push; none means the default builder', () => {
  const spec = {
    platform: 'linux/amd64',
    context: '/ctx',
    file: '/ctx/Dockerfile',
    ref: '127.0.0.1:5000/build:linux-amd64',
    metadataFile: '/tmp/m.json',
    network: '',
    buildArgs: [],
    labels: [],
  };
  expect(buildArgs({ ...spec, builder: 'multiarch-7-ab' }).slice(8, 11)).toEqual([
    '--push',
    '--builder',
    'multiarch-7-ab',
  ]);
  expect(buildArgs(spec)).not.toContain('--builder');
});

test('packed (docker driver, containerd store): pushed and kept in the engine, layers not unpacked', () => {
  const spec = {
    platform: 'linux/amd64,linux/arm64',
    context: '/ctx',
    file: '/ctx/Dockerfile',
    ref: '127.0.0.1:5000/build:shared',
    metadataFile: '/tmp/m.json',
    network: '',
    buildArgs: [],
    labels: [],
  };
  const args = buildArgs({ ...spec, packed: true });
  expect(args.slice(6, 10)).toEqual([
    '--tag',
    '127.0.0.1:5000/build:shared',
    '--output',
    'type=image,push=true,unpack=false',
  ]);
  expect(args).not.toContain('--push');
});

test('metadata as buildx 0.13 writes it (recorded from a real build)', () => {
  const recorded =
    '{\n  "buildx.build.ref": "default/default/r2759csa8f3le9mtj78ru99cb",\n  "containerimage.config.digest": "sha256:f4e27309d01d47a1ce21407126841df679b02afa2651bc3e8236cb14749219c9",\n  "containerimage.digest": "sha256:cc02363cbbb70a207511a3e4912dc3c636fcd4cb5e1f3d18d3127dce1a7d79dc"\n}';
  expect(parseMetadata(recorded)).toEqual({
    digest: 'sha256:cc02363cbbb70a207511a3e4912dc3c636fcd4cb5e1f3d18d3127dce1a7d79dc',
    configDigest: 'sha256:f4e27309d01d47a1ce21407126841df679b02afa2651bc3e8236cb14749219c9',
    ref: 'default/default/r2759csa8f3le9mtj78ru99cb',
  });
});

test.each([
  [1, 'github.com/docker/buildx 0.13.1+ds1 0.13.1+ds1-3', '0.13.1'],
  [2, 'github.com/docker/buildx v0.19.2 1c4b4ba', '0.19.2'],
  [3, 'github.com/docker/buildx v0.9.1-docker 123', '0.9.1'],
  [4, 'buildx: command not found', undefined],
])('%i: version of %j', (_n, out, expected) => {
  expect(parseBuildxVersion(out)).toBe(expected);
});

test.each([
  [1, '0.10.0', '0.10.0', 0],
  [2, '0.9.1', '0.10.0', -1],
  [3, '0.13.1', '0.10.0', 1],
  [4, '1.0.0', '0.99.99', 1],
])('%i: compare %s %s', (_n, a, b, sign) => {
  expect(Math.sign(compareVersions(a, b))).toBe(sign);
});

test('build argv: several platforms in one build, rawjson progress to split by platform', () => {
  const args = buildArgs({
    platform: 'linux/amd64,linux/arm64',
    context: '/ctx',
    file: '/ctx/Dockerfile',
    ref: '127.0.0.1:5000/build:shared',
    metadataFile: '/tmp/m.json',
    network: '',
    buildArgs: [],
    labels: [],
    progress: 'rawjson',
  });
  expect(args.slice(0, 4)).toEqual(['buildx', 'build', '--platform', 'linux/amd64,linux/arm64']);
  expect(args).toContain('--progress=rawjson');
});
