// The local registry lets in only this run: a random user and password made
// for the run, an htpasswd file (bcrypt, as distribution requires) beside its
// config, and the password masked the moment it exists. Any other process on
// the runner that reaches 127.0.0.1:<port> gets 401.
import * as core from '@actions/core';
import bcrypt from 'bcryptjs';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';

export interface RegistryLogin {
  username: string;
  password: string;
  /** The htpasswd file distribution reads. */
  htpasswd: string;
}

export const REGISTRY_REALM = 'multiarch-local';

/** bcrypt's cost: each request is checked against it, so low, while the password itself is random. */
const BCRYPT_ROUNDS = 5;

/** One htpasswd line (user:bcrypt hash). */
export function htpasswdLine(username: string, password: string): string {
  return `${username}:${bcrypt.hashSync(password, BCRYPT_ROUNDS)}\n`;
}

/** A fresh login for this run's registry, its htpasswd in `dir` (mode 0600). */
export function createRegistryLogin(dir: string, runId: string): RegistryLogin {
  const username = `multiarch-${runId}`;
  const password = randomBytes(24).toString('base64url');
  core.setSecret(password);
  core.setSecret(Buffer.from(`${username}:${password}`).toString('base64')); // as docker config holds it
  const htpasswd = path.join(dir, 'htpasswd');
  writeFileSync(htpasswd, htpasswdLine(username, password), { mode: 0o600 });
  return { username, password, htpasswd };
}
