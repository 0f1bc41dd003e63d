// Keyless signing through @sigstore/sign against a stand-in OIDC service,
// Fulcio and Rekor on loopback (test/helpers/sigstore-server.ts): the token
// is asked for with the runner's variables and audience "sigstore", one
// certificate serves every payload, each signature gets a Rekor entry, and
// what lands in cosign's annotations verifies: the signature with the
// certificate's key, the SET with Rekor's key. No internet: the public-good
// Fulcio and Rekor are not reached here.
import { X509Certificate, createHash, createPublicKey, verify } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ActionError } from '../../../src/errors.js';
import { keylessSigner, oidcProblem } from '../../../src/sign/keyless.js';
import { startFakeSigstore, type FakeSigstore } from '../../helpers/sigstore-server.js';

const VARS = ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'SIGSTORE_ID_TOKEN'] as const;

describe('keyless signing', () => {
  let f: FakeSigstore;
  const saved = Object.fromEntries(VARS.map((v) => [v, process.env[v]]));
  beforeAll(async () => {
    f = await startFakeSigstore();
  });
  afterAll(() => f.stop());
  afterEach(() => {
    for (const v of VARS)
      if (saved[v] === undefined) delete process.env[v];
      else process.env[v] = saved[v];
    f.seen.length = 0;
    f.fulcioStatus = undefined;
  });
  const asRunner = () => {
    delete process.env.SIGSTORE_ID_TOKEN;
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = `${f.url}/oidc?api-version=2.0`;
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = f.requestToken;
  };
  const signer = () => keylessSigner({ fulcioUrl: f.url, rekorUrl: f.url, timeoutMs: 5_000 });

  test('two payloads: one token, one certificate, two Rekor entries; annotations cosign verifies', async () => {
    asRunner();
    const s = await signer();
    const payloads = [Buffer.from('{"critical":"index"}'), Buffer.from('{"critical":"amd64"}')];
    const signed = [];
    for (const p of payloads) signed.push(await s.sign(p));

    const oidc = f.seen.filter((r) => r.url.startsWith('/oidc'));
    expect(oidc).toHaveLength(1);
    expect(new URL(oidc[0]?.url ?? '', f.url).searchParams.get('audience')).toBe('sigstore');
    expect(oidc[0]?.authorization).toBe(`Bearer ${f.requestToken}`);
    expect(f.seen.filter((r) => r.url === '/api/v2/signingCert')).toHaveLength(1);
    const entries = f.seen.filter((r) => r.url === '/api/v1/log/entries');
    expect(entries).toHaveLength(2);

    const rekorPublic = createPublicKey(f.rekorKey);
    for (const [i, p] of payloads.entries()) {
      const sig = signed[i];
      if (!sig?.certificate || !sig.bundle) throw new Error('no certificate or bundle');
      expect(sig.certificate).toBe(signed[0]?.certificate); // one certificate for the run
      const leaf = new X509Certificate(sig.certificate);
      expect(verify('sha256', p, leaf.publicKey, sig.signature)).toBe(true);
      // The Rekor entry is a hashedrekord of this payload's digest, this signature and certificate.
      const proposed = JSON.parse(entries[i]?.body ?? '{}') as {
        kind: string;
        spec: {
          data: { hash: { value: string } };
          signature: { content: string; publicKey: { content: string } };
        };
      };
      expect(proposed.kind).toBe('hashedrekord');
      expect(proposed.spec.data.hash.value).toBe(createHash('sha256').update(p).digest('hex'));
      expect(proposed.spec.signature.content).toBe(sig.signature.toString('base64'));
      expect(Buffer.from(proposed.spec.signature.publicKey.content, 'base64').toString()).toBe(
        sig.certificate,
      );
      // cosign's bundle annotation: the SET verifies over the canonical entry with Rekor's key.
      const bundle = JSON.parse(sig.bundle) as {
        SignedEntryTimestamp: string;
        Payload: { body: string; integratedTime: number; logIndex: number; logID: string };
      };
      expect(Object.keys(bundle.Payload)).toEqual(['body', 'integratedTime', 'logIndex', 'logID']);
      expect(Buffer.from(bundle.Payload.body, 'base64').toString()).toBe(entries[i]?.body);
      expect(bundle.Payload.logID).toBe(f.logId);
      const { body, integratedTime, logID, logIndex } = bundle.Payload;
      const canonical = JSON.stringify({ body, integratedTime, logID, logIndex });
      const set = Buffer.from(bundle.SignedEntryTimestamp, 'base64');
      expect(verify('sha256', Buffer.from(canonical), rekorPublic, set)).toBe(true);
    }
    expect(s.isOurs(payloads[0] ?? Buffer.alloc(0), signed[0]?.signature ?? Buffer.alloc(0))).toBe(false);
  });

  test('without the runner variables (no id-token: write), it says so before any request', async () => {
    for (const v of VARS) delete process.env[v];
    expect(oidcProblem(process.env)).toMatch(/add `permissions: id-token: write` to the job/);
    await expect(signer()).rejects.toThrow(ActionError);
    await expect(signer()).rejects.toThrow(
      /ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set/,
    );
    expect(f.seen).toEqual([]);
  });

  test('Fulcio refusing the certificate fails with what Fulcio said, and nothing reaches Rekor', async () => {
    asRunner();
    f.fulcioStatus = 403;
    const s = await signer();
    await expect(s.sign(Buffer.from('{}'))).rejects.toThrow(
      /Cannot get a Fulcio signing certificate: CA_CREATE_SIGNING_CERTIFICATE_ERROR: .*403/,
    );
    expect(f.seen.filter((r) => r.url === '/api/v1/log/entries')).toEqual([]);
  });

  test("a wrong runner request token: the token service's 401 is said, with the fix, and Fulcio is not asked", async () => {
    asRunner();
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = 'stale';
    const s = await signer();
    const err = await s.sign(Buffer.from('{}')).then(
      () => new Error('signed'),
      (e: unknown) => e as Error,
    );
    expect(err.message).toMatch(
      /^Cannot get a Fulcio signing certificate: IDENTITY_TOKEN_READ_ERROR: error retrieving identity token: The runner's OIDC token service at http:\/\/127\.0\.0\.1:\d+\/oidc answered 401; check that the job has `permissions: id-token: write`/,
    );
    expect(err.message).not.toContain('stale');
    expect(f.seen.filter((r) => r.url === '/api/v2/signingCert')).toEqual([]);
  });
});
