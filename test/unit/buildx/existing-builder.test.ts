// `docker buildx ls` / `inspect` output (recorded from buildx 0.13 on this
// machine), the node buildx gives each platform, and where a node's daemon runs.
import { expect, test } from 'vitest';
import { placeOf, unreachableReason } from '../../../src/buildx/builder-reach.js';
import {
  nodeFor,
  nodeOfBuildRef,
  parseBuilderList,
  parseInspect,
  type ExistingBuilder,
} from '../../../src/buildx/existing-builder.js';

const LS = `NAME/NODE            DRIVER/ENDPOINT      STATUS    BUILDKIT         PLATFORMS
d26-bpab-11304       docker
 \\_ d26-bpab-11304    \\_ d26-bpab-11304   running   v0.0.0+unknown   linux/amd64, linux/arm64
default*             docker
 \\_ default           \\_ default          running   v0.8+unknown     linux/amd64, linux/arm64, linux/s390x
`;

// buildx 0.10's layout: nodes indented without \\_.
const LS_OLD = `NAME/NODE DRIVER/ENDPOINT             STATUS  BUILDKIT PLATFORMS
ci *      docker-container
  ci0     unix:///var/run/docker.sock running v0.12.5  linux/amd64, linux/386
default   docker
  default default                     running 23.0.1   linux/amd64
`;

const DOCKER = `Name:   d26-bpab-11304
Driver: docker

Nodes:
Name:             d26-bpab-11304
Endpoint:         d26-bpab-11304
Status:           running
BuildKit version: v0.0.0+unknown
Platforms:        linux/amd64, linux/amd64/v2, linux/arm64, linux/s390x
Labels:
 org.mobyproject.buildkit.worker.network:              host
`;

const CONTAINER = `Name:          bpab-dch-11304
Driver:        docker-container
Last Activity: 2026-12-05 01:16:03 +0000 UTC

Nodes:
Name:                  bpab-dch-113040
Endpoint:              unix:///var/run/docker.sock
Driver Options:        image="moby/buildkit:x" network="host"
Status:                inactive
BuildKit daemon flags: --allow-insecure-entitlement=network.host
`;

// A two-node builder as setup-buildx-action's 'append' makes it (amd64 here, arm64 over ssh).
const MULTI = `Name:   multi
Driver: remote

Nodes:
Name:      amd
Endpoint:  tcp://127.0.0.1:1234
Status:    running
Buildkit:  v0.12.5
Platforms: linux/amd64*, linux/386
Name:      arm
Endpoint:  tcp://arm-box.internal:1234
Status:    running
Buildkit:  v0.12.5
Platforms: linux/arm64*, linux/arm/v7
`;

test('builder names from buildx ls, old and new layouts', () => {
  expect(parseBuilderList(LS)).toEqual(['d26-bpab-11304', 'default']);
  expect(parseBuilderList(LS_OLD)).toEqual(['ci', 'default']);
});

test('inspect of a docker-driver builder', () => {
  expect(parseInspect(DOCKER)).toEqual({
    name: 'd26-bpab-11304',
    driver: 'docker',
    nodes: [
      {
        name: 'd26-bpab-11304',
        endpoint: 'd26-bpab-11304',
        status: 'running',
        buildkit: 'v0.0.0+unknown',
        platforms: ['linux/amd64', 'linux/amd64/v2', 'linux/arm64', 'linux/s390x'],
        driverOptions: {},
      },
    ],
  });
});

test('inspect of a docker-container builder keeps its driver options', () => {
  const b = parseInspect(CONTAINER);
  expect(b.driver).toBe('docker-container');
  expect(b.nodes[0]?.driverOptions).toEqual({ image: 'moby/buildkit:x', network: 'host' });
  expect(b.nodes[0]?.status).toBe('inactive');
});

test('a multi-node builder: each platform goes to the node that lists it, else the first', () => {
  const b: ExistingBuilder = parseInspect(MULTI);
  expect(b.nodes.map((n) => [n.name, n.platforms])).toEqual([
    ['amd', ['linux/amd64', 'linux/386']],
    ['arm', ['linux/arm64', 'linux/arm/v7']],
  ]);
  expect(nodeFor(b, 'linux/arm64')).toEqual({ node: 'arm', listed: true });
  expect(nodeFor(b, 'linux/amd64')).toEqual({ node: 'amd', listed: true });
  expect(nodeFor(b, 'linux/s390x')).toEqual({ node: 'amd', listed: false });
});

test.each([
  [1, 'default/default/r2759csa8f3le9mtj78ru99cb', 'default'],
  [2, 'multi/arm/abc', 'arm'],
  [3, undefined, undefined],
  [4, 'nonsense', undefined],
])('%i: the node in buildx.build.ref %s', (_n, ref, node) => {
  expect(nodeOfBuildRef(ref)).toBe(node);
});

test.each([
  [1, 'unix:///var/run/docker26.sock', 'this runner'],
  [2, 'tcp://127.0.0.1:2375', 'this runner'],
  [3, 'tcp://localhost:1234', 'this runner'],
  [4, 'tcp://[::1]:1234', 'this runner'],
  [5, 'tcp://10.0.0.5:2376', 'another machine'],
  [6, 'ssh://builder@arm-box', 'another machine'],
  [7, 'kube-pod', 'another machine'],
])('%i: %s runs on %s', (_n, address, place) => {
  expect(placeOf(address)).toBe(place);
});

const node = (driverOptions: Record<string, string> = {}) => ({
  name: 'n0',
  endpoint: '',
  status: 'running',
  buildkit: '',
  platforms: [],
  driverOptions,
});

test.each([
  // [#, driver, driver options, address, reachable]
  [1, 'docker', {}, 'unix:///var/run/docker26.sock', true],
  [2, 'docker', {}, 'ssh://me@elsewhere', false],
  [3, 'docker-container', { network: 'host' }, 'unix:///var/run/docker.sock', true],
  [4, 'docker-container', {}, 'unix:///var/run/docker.sock', false],
  [5, 'docker-container', { network: 'host' }, 'tcp://10.1.1.1:2376', false],
  [6, 'remote', {}, 'unix:///run/buildkit/buildkitd.sock', true],
  [7, 'remote', {}, 'tcp://192.0.2.1:1234', false],
  [8, 'kubernetes', {}, 'kubernetes:///buildkit', false],
])('%i: %s node (%j) at %s can reach the loopback registry: %s', (_n, driver, opts, address, ok) => {
  expect(unreachableReason(driver, node(opts), address) === undefined).toBe(ok);
});
