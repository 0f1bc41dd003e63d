// The registries that need a login, as tests of both modes use them: a TLS
// registry with basic auth trusting a throwaway CA, and a plain-HTTP one with
// token auth whose token server speaks https with the same CA.
import { rmSync } from 'node:fs';
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
