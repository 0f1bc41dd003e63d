// The registries that need a login, as tests of both modes use them: a TLS
// registry with basic auth trusting a throwaway CA, and a plain-HTTP one with
// token auth whose token server speaks https with the same CA; and, for a
// describe block, those beside open plain-HTTP registries, all stopped after it.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { startRegistry, type TestRegistry } from '../../support/registry.js';
import { makeCa, makeSigningCert, type TestCa } from './tls.js';
import { startTokenServer, type TokenServer } from './token-server.js';

export interface AuthRegistries {
  ca: TestCa;
  /** TLS, basic auth. */
  secure: TestRegistry;
  /** Plain HTTP, token auth from `tokens`. */
  tok: TestRegistry;
  tokens: TokenServer;
  stop(): Promise<void>;
}

export async function startAuthRegistries(user: string, password: string): Promise<AuthRegistries> {
  const ca = makeCa();
  const signing = makeSigningCert(ca.dir);
  const secure = await startRegistry({ user, password, tls: ca });
  const service = 'test-registry';
  const issuer = 'test-issuer';
  const tokens = await startTokenServer({ user, password, tls: ca, service, issuer, ...signing });
  const tok = await startRegistry({
    token: { realm: tokens.realm, service, issuer, rootcertbundle: signing.certFile },
  });
  return {
    ca,
    secure,
    tok,
    tokens,
    stop: async () => {
      for (const r of [secure, tok]) await r.stop();
      await tokens.stop();
      rmSync(ca.dir, { recursive: true, force: true });
    },
  };
}

export interface AuthFixture {
  user: string;
  password: string;
  /** Started before the block's first test. */
  auth: AuthRegistries;
  /** Open plain-HTTP registries, as many as asked for. */
  open: TestRegistry[];
}

/** Call inside a describe block: the login registries for `user` and `count` open ones. */
export function useAuthRegistries(count: number, user = 'bot'): AuthFixture {
  const f = { user, password: `pw-${randomBytes(12).toString('hex')}`, open: [] } as unknown as AuthFixture;
  beforeAll(async () => {
    for (let i = 0; i < count; i++) f.open.push(await startRegistry());
    f.auth = await startAuthRegistries(f.user, f.password);
  });
  afterAll(async () => {
    for (const r of f.open) await r.stop();
    await (f.auth as AuthRegistries | undefined)?.stop();
  });
  return f;
}
