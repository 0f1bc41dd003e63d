// Bad input, case by case (issue: fail in seconds): each fails in the input
// checks, before anything slow, naming the input, the value and what is
// valid; every problem of one run comes in one error. Inputs go through real
// INPUT_* variables with action.yml's defaults, and the real file system.
import { afterEach, expect, test } from 'vitest';
import { readInputs } from '../../../src/inputs/inputs.js';
import { actionDefaults, ROOT } from '../../../support/action-runner.js';

const HELLO = `${ROOT}/examples/hello`;

function read(values: Record<string, string>) {
  for (const [k, v] of Object.entries({ ...actionDefaults(), context: HELLO, ...values }))
    process.env[`INPUT_${k.toUpperCase()}`] = v;
  return readInputs(ROOT, 2);
}

afterEach(() => {
  for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_')) delete process.env[k];
});

test.each([
  [1, { tags: 'ghcr.io/Acme/App:1.0' }, /Input 'tags' has invalid reference 'ghcr.io\/Acme\/App:1.0'/],
  [
    2,
    { tags: 'ghcr.io/acme/app:bad tag!' },
    /Input 'tags' has invalid reference 'ghcr.io\/acme\/app:bad tag!'/,
  ],
  [3, { tags: 'ghcr.io/acme/app:-lead' }, /Input 'tags' has invalid reference 'ghcr.io\/acme\/app:-lead'/],
  [4, { push: 'true' }, /Input 'push' is true but 'tags' is empty; give at least one reference such as/],
  [5, { username: 'bot' }, /Inputs 'username' and 'password' go together; only 'username' is set/],
  [6, { context: '/nonexistent/ctx' }, /Input 'context' is '\/nonexistent\/ctx', which is not a directory/],
  [7, { push: 'yes' }, /Input 'push' is 'yes'; valid values are true or false/],
  [8, { 'no-cache': 'maybe' }, /Input 'no-cache' is 'maybe'; valid values are true or false/],
  [
    9,
    { 'push-by-digest': '1', tags: 'ghcr.io/a/b' },
    /Input 'push-by-digest' is '1'; valid values are true or false/,
  ],
  [
    10,
    { 'max-parallel': '0' },
    /Input 'max-parallel' is '0'; valid values are auto or a whole number from 1/,
  ],
  [11, { 'max-parallel': 'two' }, /Input 'max-parallel' is 'two'; valid values are auto or a whole number/],
  [12, { 'build-args': 'VERSION' }, /Input 'build-args' has 'VERSION'; each line must be KEY=VALUE/],
  [13, { platforms: ' , \n' }, /Input 'platforms' is empty; list at least one platform such as linux\/amd64/],
  [
    14,
    { platforms: 'linux/arm64/v9' },
    /Input 'platforms' has unknown platform 'linux\/arm64\/v9'; valid platforms are/,
  ],
  [15, { 'index-format': 'v2' }, /Input 'index-format' is 'v2'; valid values are auto, oci, docker/],
  [
    16,
    { 'insecure-registries': 'http://reg:5000' },
    /Input 'insecure-registries' has 'http:\/\/reg:5000'; each entry is a registry host\[:port\]/,
  ],
  [17, { driver: 'kubernetes' }, /Input 'driver' is 'kubernetes'; valid values are docker, docker-container/],
  [18, { file: `${HELLO}/Nope.Dockerfile` }, /Dockerfile '.*\/Nope.Dockerfile' does not exist/],
  [
    19,
    { 'platform-files': 'linux/riscv64=x/Dockerfile' },
    /Input 'platform-files' names 'linux\/riscv64', which is not in 'platforms'/,
  ],
  [
    20,
    { labels: 'org.opencontainers.image.title' },
    /Input 'labels' has 'org.opencontainers.image.title'; each line must be KEY=VALUE/,
  ],
  [
    21,
    { 'ca-file': '/nonexistent/ca.pem' },
    /Input 'ca-file' is '\/nonexistent\/ca.pem', which is not a file/,
  ],
  [
    22,
    { 'sources-from': '/nonexistent/digests', tags: 'ghcr.io/a/b:1' },
    /Input 'sources-from' is '\/nonexistent\/digests', which is not a directory/,
  ],
  [23, { sources: 'ghcr.io/a/b:1' }, /Input 'sources' is set but 'tags' is empty/],
  [
    24,
    { 'buildx-version': 'v0.9.1' },
    /Input 'buildx-version' is 'v0.9.1'; this action needs buildx .* or newer/,
  ],
])('%i: %j', (_n, values, expected) => {
  expect(() => read(values)).toThrow(expected);
});

test('one platform written two ways is built once, with a warning naming both forms', () => {
  const { inputs, warnings } = read({ platforms: 'amd64,linux/amd64' });
  expect(inputs.platforms).toHaveLength(1);
  expect(warnings).toEqual([
    `Platform linux/amd64 is listed twice in 'platforms' ('amd64' and 'linux/amd64'); building it once.`,
  ]);
});

test('every problem of a run, parsing and file system alike, comes in one error', () => {
  let message = '';
  try {
    read({
      platforms: 'sparc',
      push: 'maybe',
      context: '/nonexistent/ctx',
      'ca-file': '/nonexistent/ca.pem',
    });
  } catch (err) {
    message = err instanceof Error ? err.message : String(err);
  }
  const lines = message.split('\n');
  expect(lines).toHaveLength(4);
  expect(lines[0]).toMatch(/'platforms' has unknown platform 'sparc'/);
  expect(lines[1]).toMatch(/'push' is 'maybe'/);
  expect(lines[2]).toMatch(/'ca-file' is '\/nonexistent\/ca.pem'/);
  expect(lines[3]).toMatch(/'context' is '\/nonexistent\/ctx'/);
});
