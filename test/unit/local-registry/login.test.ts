// The local registry's per-run login: random, bcrypt in a 0600 htpasswd.
import bcrypt from 'bcryptjs';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, test } from 'vitest';
import { createRegistryLogin, htpasswdLine } from '../../../src/local-registry/login.js';

test('an htpasswd line is user:bcrypt, and the hash checks the password', () => {
  const line = htpasswdLine('u', 'secret');
  const [user, hash = ''] = line.trimEnd().split(':');
  expect(user).toBe('u');
  expect(hash).toMatch(/^\$2[aby]\$05\$/);
  expect(bcrypt.compareSync('secret', hash)).toBe(true);
  expect(bcrypt.compareSync('other', hash)).toBe(false);
});

test('each login is new, named after the run, its htpasswd mode 0600', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'login-'));
  const one = createRegistryLogin(dir, '42-ab');
  const two = createRegistryLogin(mkdtempSync(path.join(os.tmpdir(), 'login-')), '42-ab');
  expect(one.username).toBe('multiarch-42-ab');
  expect(one.password).not.toBe(two.password);
  expect(one.password.length).toBeGreaterThanOrEqual(32);
  expect(statSync(one.htpasswd).mode & 0o777).toBe(0o600);
  const hash = readFileSync(one.htpasswd, 'utf8').trimEnd().split(':')[1] ?? '';
  expect(bcrypt.compareSync(one.password, hash)).toBe(true);
});
