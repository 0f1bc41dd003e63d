// The action's own docker config dir, on real files.
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { addRegistryAuth, prepareDockerConfig, userDockerConfig } from '../../../src/buildx/docker-config.js';

const saved = process.env.DOCKER_CONFIG;
afterEach(() => {
  if (saved === undefined) delete process.env.DOCKER_CONFIG;
  else process.env.DOCKER_CONFIG = saved;
});

const tmp = (p: string) => mkdtempSync(path.join(os.tmpdir(), `${p}-`));

test.each([
  [1, { DOCKER_CONFIG: '/cfg' }, '/cfg'],
  [2, { DOCKER_CONFIG: '' }, path.join(os.homedir(), '.docker')],
  [3, {}, path.join(os.homedir(), '.docker')],
])('%i: the user config of %j is %s', (_n, env, expected) => {
  expect(userDockerConfig(env)).toBe(expected);
});

test("plugin linked (not symlinked) from the cache; the user's logins and contexts linked in", () => {
  const user = tmp('user-config');
  writeFileSync(path.join(user, 'config.json'), '{"auths":{}}');
  mkdirSync(path.join(user, 'contexts'));
  process.env.DOCKER_CONFIG = user;
  const cached = path.join(tmp('cache'), 'docker-buildx');
  writeFileSync(cached, '#!/bin/sh\n', { mode: 0o755 });
  const dir = prepareDockerConfig(tmp('run'), cached);
  const plugin = path.join(dir, 'cli-plugins', 'docker-buildx');
  expect(lstatSync(plugin).isSymbolicLink()).toBe(false);
  expect(statSync(plugin).ino).toBe(statSync(cached).ino);
  expect(readlinkSync(path.join(dir, 'config.json'))).toBe(path.join(user, 'config.json'));
  expect(readlinkSync(path.join(dir, 'contexts'))).toBe(path.join(user, 'contexts'));
});

test('a user without a docker config gets none linked, and preparing twice is fine', () => {
  process.env.DOCKER_CONFIG = tmp('empty-config');
  const cached = path.join(tmp('cache'), 'docker-buildx');
  writeFileSync(cached, '#!/bin/sh\n', { mode: 0o755 });
  const runDir = tmp('run');
  prepareDockerConfig(runDir, cached);
  const dir = prepareDockerConfig(runDir, cached);
  expect(() => lstatSync(path.join(dir, 'config.json'))).toThrow(/ENOENT/);
  expect(statSync(path.join(dir, 'cli-plugins', 'docker-buildx')).mode & 0o111).not.toBe(0);
});

test.each([
  [1, 'after prepareDockerConfig (a link to the user config)', true],
  [2, 'in a dir made for it (the runner’s buildx)', false],
])(
  '%i: the local registry login is written %s: a 0600 file of its own, the user config untouched',
  (_n, _how, prepared) => {
    const user = tmp('user-config');
    const userConfig = '{"auths":{"ghcr.io":{"auth":"dXNlcjpwdw=="}},"credHelpers":{"x.test":"x"}}';
    writeFileSync(path.join(user, 'config.json'), userConfig);
    mkdirSync(path.join(user, 'buildx'));
    process.env.DOCKER_CONFIG = user;
    const runDir = tmp('run');
    if (prepared) {
      const cached = path.join(tmp('cache'), 'docker-buildx');
      writeFileSync(cached, '#!/bin/sh\n', { mode: 0o755 });
      prepareDockerConfig(runDir, cached);
    }
    const dir = addRegistryAuth(runDir, '127.0.0.1:5123', { username: 'u', password: 'p' });
    const file = path.join(dir, 'config.json');
    expect(lstatSync(file).isSymbolicLink()).toBe(false);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      auths: { 'ghcr.io': { auth: 'dXNlcjpwdw==' }, '127.0.0.1:5123': { auth: 'dTpw' } },
      credHelpers: { 'x.test': 'x', '127.0.0.1:5123': '' },
    });
    expect(readFileSync(path.join(user, 'config.json'), 'utf8')).toBe(userConfig);
    if (!prepared) expect(readlinkSync(path.join(dir, 'buildx'))).toBe(path.join(user, 'buildx'));
  },
);
