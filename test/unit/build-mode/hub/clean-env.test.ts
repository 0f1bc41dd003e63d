// What code from the repository (hooks, compose tests) gets of the action's
// environment: a table of what is kept and what is dropped.
import { describe, expect, test } from 'vitest';
import { cleanEnv } from '../../../../src/build-mode/hub/clean-env.js';

const ACTION_ENV: NodeJS.ProcessEnv = {
  PATH: '/usr/local/bin:/usr/bin',
  HOME: '/home/runner',
  USER: 'runner',
  LANG: 'C.UTF-8',
  LC_ALL: 'C.UTF-8',
  TMPDIR: '/tmp',
  HTTPS_PROXY: 'http://proxy.intranet:3128',
  no_proxy: 'localhost,127.0.0.1',
  DOCKER_HOST: 'unix:///var/run/docker26.sock',
  DOCKER_CONFIG: '/home/runner/.docker',
  DOCKER_CERT_PATH: '/home/runner/certs',
  GITHUB_SHA: 'f'.repeat(40),
  GITHUB_REF: 'refs/heads/main',
  GITHUB_REPOSITORY: 'acme/app',
  GITHUB_EVENT_PATH: '/home/runner/_temp/_github_workflow/event.json',
  GITHUB_WORKSPACE: '/home/runner/work/app/app',
  GITHUB_OUTPUT: '/home/runner/_temp/_runner_file_commands/set_output_1',
  GITHUB_ENV: '/home/runner/_temp/_runner_file_commands/set_env_1',
  GITHUB_PATH: '/home/runner/_temp/_runner_file_commands/add_path_1',
  GITHUB_STATE: '/home/runner/_temp/_runner_file_commands/save_state_1',
  GITHUB_STEP_SUMMARY: '/home/runner/_temp/_runner_file_commands/step_summary_1',
  GITHUB_TOKEN: 'ghs_token',
  INPUT_PASSWORD: 'hunter2',
  INPUT_SECRETS: 'npm_token=abc',
  INPUT_USERNAME: 'bot',
  ACTIONS_RUNTIME_TOKEN: 'runtime-jwt',
  ACTIONS_RUNTIME_URL: 'https://pipelines.actions.githubusercontent.com/x/',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-jwt',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.githubusercontent.com/x',
  ACTIONS_CACHE_URL: 'https://artifactcache.actions.githubusercontent.com/x/',
  'STATE_multiarch-state': '{"runId":"1-00000000"}',
  RUNNER_TEMP: '/home/runner/_temp',
  AWS_SECRET_ACCESS_KEY: 'from the job env',
  NODE_OPTIONS: '--require /tmp/evil.js',
};

const HUB = {
  IMAGE_NAME: 'acme/app:latest',
  DOCKERFILE_PATH: 'Dockerfile',
  SOURCE_BRANCH: 'main',
  GREETING: 'hi',
};

describe('cleanEnv', () => {
  const env = cleanEnv(ACTION_ENV, HUB, '/home/runner/_temp/multiarch-1-00000000/docker-config');

  test.each<[number, string, string]>([
    [1, 'PATH', '/usr/local/bin:/usr/bin'],
    [2, 'HOME', '/home/runner'],
    [3, 'USER', 'runner'],
    [4, 'LANG', 'C.UTF-8'],
    [5, 'LC_ALL', 'C.UTF-8'],
    [6, 'TMPDIR', '/tmp'],
    [7, 'DOCKER_HOST', 'unix:///var/run/docker26.sock'],
    [8, 'DOCKER_CONFIG', '/home/runner/_temp/multiarch-1-00000000/docker-config'],
    [9, 'DOCKER_CERT_PATH', '/home/runner/certs'],
    [10, 'GITHUB_SHA', 'f'.repeat(40)],
    [11, 'GITHUB_REF', 'refs/heads/main'],
    [12, 'GITHUB_REPOSITORY', 'acme/app'],
    [13, 'GITHUB_EVENT_PATH', '/home/runner/_temp/_github_workflow/event.json'],
    [14, 'GITHUB_WORKSPACE', '/home/runner/work/app/app'],
    [15, 'IMAGE_NAME', 'acme/app:latest'],
    [16, 'DOCKERFILE_PATH', 'Dockerfile'],
    [17, 'SOURCE_BRANCH', 'main'],
    [18, 'GREETING', 'hi'],
    [19, 'HTTPS_PROXY', 'http://proxy.intranet:3128'],
    [20, 'no_proxy', 'localhost,127.0.0.1'],
    [21, 'RUNNER_TEMP', '/home/runner/_temp'],
  ])('%i: keeps %s', (_n, name, value) => {
    expect(env[name]).toBe(value);
  });

  test.each<[number, string]>([
    [1, 'INPUT_PASSWORD'],
    [2, 'INPUT_SECRETS'],
    [3, 'INPUT_USERNAME'],
    [4, 'ACTIONS_RUNTIME_TOKEN'],
    [5, 'ACTIONS_RUNTIME_URL'],
    [6, 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'],
    [7, 'ACTIONS_ID_TOKEN_REQUEST_URL'],
    [8, 'ACTIONS_CACHE_URL'],
    [9, 'STATE_multiarch-state'],
    [10, 'GITHUB_OUTPUT'],
    [11, 'GITHUB_ENV'],
    [12, 'GITHUB_PATH'],
    [13, 'GITHUB_STATE'],
    [14, 'GITHUB_STEP_SUMMARY'],
    [15, 'GITHUB_TOKEN'],
    [17, 'AWS_SECRET_ACCESS_KEY'],
    [18, 'NODE_OPTIONS'],
  ])('%i: drops %s', (_n, name) => {
    expect(env).not.toHaveProperty(name);
  });

  test('no value of a dropped variable appears anywhere', () => {
    const values = Object.values(env).join('\n');
    for (const secret of [
      'hunter2',
      'npm_token=abc',
      'runtime-jwt',
      'oidc-jwt',
      'ghs_token',
      'from the job env',
    ])
      expect(values).not.toContain(secret);
  });

  test.each<[number, string | undefined, string | undefined]>([
    [1, undefined, '/home/runner/.docker'], // the action has none of its own: the user's
    [2, '/run/docker-config', '/run/docker-config'],
  ])("%i: DOCKER_CONFIG is the one the action's docker commands use (%s)", (_n, action, want) => {
    expect(cleanEnv(ACTION_ENV, {}, action).DOCKER_CONFIG).toBe(want);
    expect(cleanEnv({ PATH: '/bin' }, {}, action).DOCKER_CONFIG).toBe(action);
  });

  test("Hub's variables win over the environment's", () => {
    expect(cleanEnv({ GITHUB_SHA: 'x' }, { GITHUB_SHA: 'y' }).GITHUB_SHA).toBe('y');
  });
});
