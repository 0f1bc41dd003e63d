// Which contexts are Git, and when 'github-token' becomes BuildKit's Git auth:
// only for the workflow's own repository, as GIT_AUTH_TOKEN.<host>.
import { expect, test } from 'vitest';
import { gitAuthSecret, isGitContext, isOtherUrl, tokenValue } from '../../../src/inputs/git-context.js';

test.each([
  [1, 'https://github.com/acme/app.git#main', true],
  [2, 'https://github.com/acme/app.git#v1.0:docker', true],
  [3, 'https://github.com/acme/app.git', true],
  [4, 'git://127.0.0.1:9418/acme/app.git#main', true],
  [5, 'git@github.com:acme/app.git', true],
  [6, 'ssh://git@github.com/acme/app.git', true],
  [7, 'http://127.0.0.1:8080/acme/app.git#main', true],
  [8, 'https://example.test/app.tar.gz', false],
  [9, '.', false],
  [10, 'sub/dir', false],
])('%i: %s is a Git context: %s', (_n, context, git) => {
  expect(isGitContext(context)).toBe(git);
});

test('a URL that is not Git is told apart from a directory', () => {
  expect(isOtherUrl('https://example.test/app.tar.gz')).toBe(true);
  expect(isOtherUrl('https://github.com/acme/app.git#main')).toBe(false);
  expect(isOtherUrl('./https')).toBe(false);
});

const own = (repository: string | undefined, serverUrl?: string) => ({ serverUrl, repository });

test.each([
  // [#, context, the workflow's server and repository, secrets, the secret id or undefined]
  [1, 'https://github.com/acme/app.git#main', own('acme/app'), [], 'GIT_AUTH_TOKEN.github.com'],
  [
    2,
    'https://github.com/acme/app.git#v1.0:docker',
    own('acme/app', 'https://github.com'),
    [],
    'GIT_AUTH_TOKEN.github.com',
  ],
  [
    3,
    'https://github.com/acme/app.git?ref=main&subdir=docker',
    own('acme/app'),
    [],
    'GIT_AUTH_TOKEN.github.com',
  ],
  // Another repository on the workflow's own server: build-push-action passes nothing, nor does this action.
  [4, 'https://github.com/other/lib.git#v1', own('acme/app', 'https://github.com'), [], undefined],
  [5, 'https://github.com/acme/app-private.git#main', own('acme/app'), [], undefined],
  [6, 'https://github.com/acme/app.git/../lib.git', own('acme/app'), [], undefined],
  [7, 'https://github.com/acme/app.git#main', own(undefined), [], undefined],
  [8, 'https://gitlab.com/acme/app.git#main', own('acme/app', 'https://github.com'), [], undefined],
  [9, 'https://ghe.corp/acme/app.git', own('acme/app', 'https://ghe.corp'), [], 'GIT_AUTH_TOKEN.ghe.corp'],
  [10, 'https://github.com.evil.test/acme/app.git', own('acme/app', 'https://github.com'), [], undefined],
  [11, 'git://github.com/acme/app.git', own('acme/app', 'https://github.com'), [], undefined],
  [12, 'git@github.com:acme/app.git', own('acme/app', 'https://github.com'), [], undefined],
  [13, 'http://ghe.corp/acme/app.git', own('acme/app', 'http://ghe.corp'), [], undefined],
  [
    14,
    'http://127.0.0.1:8080/acme/app.git',
    own('acme/app', 'http://127.0.0.1:8080'),
    [],
    'GIT_AUTH_TOKEN.127.0.0.1:8080',
  ],
  [15, 'http://127.0.0.1:8081/acme/app.git', own('acme/app', 'http://127.0.0.1:8080'), [], undefined],
  [
    16,
    'https://github.com/acme/app.git',
    own('acme/app', 'https://github.com'),
    [{ id: 'GIT_AUTH_TOKEN', value: 'x' }],
    undefined,
  ],
  [
    17,
    'https://github.com/acme/app.git',
    own('acme/app'),
    [{ id: 'GIT_AUTH_TOKEN.github.com', value: 'x' }],
    undefined,
  ],
  [18, '.', own('acme/app', 'https://github.com'), [], undefined],
])('%i: %s from workflow %o gets %s', (_n, context, workflow, secrets, id) => {
  const secret = gitAuthSecret(context, 'tok', workflow, secrets);
  expect(secret?.id).toBe(id);
  if (secret) expect(secret.value).toBe('tok');
});

test('no token, or an unexpanded default, passes nothing', () => {
  expect(gitAuthSecret('https://github.com/a/b.git', '', own('a/b'), [])).toBeUndefined();
  expect(tokenValue('${{ github.token }}')).toBe('');
  expect(tokenValue(' ghs_abc ')).toBe('ghs_abc');
});
