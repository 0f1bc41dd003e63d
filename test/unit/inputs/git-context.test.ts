// Which contexts are Git, and when 'github-token' becomes BuildKit's Git auth:
// only for the workflow's own server, as GIT_AUTH_TOKEN.<host>.
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

test.each([
  // [#, context, server URL, secrets, the secret id or undefined]
  [1, 'https://github.com/acme/app.git#main', undefined, [], 'GIT_AUTH_TOKEN.github.com'],
  [2, 'https://github.com/other/lib.git#v1', 'https://github.com', [], 'GIT_AUTH_TOKEN.github.com'],
  [3, 'https://gitlab.com/acme/app.git#main', 'https://github.com', [], undefined],
  [4, 'https://ghe.corp/acme/app.git', 'https://ghe.corp', [], 'GIT_AUTH_TOKEN.ghe.corp'],
  [5, 'https://github.com.evil.test/acme/app.git', 'https://github.com', [], undefined],
  [6, 'git://github.com/acme/app.git', 'https://github.com', [], undefined],
  [7, 'git@github.com:acme/app.git', 'https://github.com', [], undefined],
  [8, 'http://ghe.corp/acme/app.git', 'http://ghe.corp', [], undefined],
  [9, 'http://127.0.0.1:8080/acme/app.git', 'http://127.0.0.1:8080', [], 'GIT_AUTH_TOKEN.127.0.0.1:8080'],
  [10, 'http://127.0.0.1:8081/acme/app.git', 'http://127.0.0.1:8080', [], undefined],
  [
    11,
    'https://github.com/acme/app.git',
    'https://github.com',
    [{ id: 'GIT_AUTH_TOKEN', value: 'x' }],
    undefined,
  ],
  [12, '.', 'https://github.com', [], undefined],
])('%i: %s on server %s gets %s', (_n, context, server, secrets, id) => {
  const secret = gitAuthSecret(context, 'tok', server, secrets);
  expect(secret?.id).toBe(id);
  if (secret) expect(secret.value).toBe('tok');
});

test('no token, or an unexpanded default, passes nothing', () => {
  expect(gitAuthSecret('https://github.com/a/b.git', '', undefined, [])).toBeUndefined();
  expect(tokenValue('${{ github.token }}')).toBe('');
  expect(tokenValue(' ghs_abc ')).toBe('ghs_abc');
});
