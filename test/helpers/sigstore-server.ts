// A stand-in for the runner's OIDC token service, Fulcio and Rekor on one
// loopback HTTP server, answering with the shapes the real services answer
// (Fulcio v2 signingCert with an embedded-SCT chain; Rekor v1 log entry with
// a signed entry timestamp). Fulcio's certificate is minted by openssl for
// the public key the client sent, signed by a test CA; Rekor's SET is an
// ECDSA signature by a test log key over the canonical entry, as Rekor's is.
// Every request is recorded so tests check what the client sent.
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { listenOnLoopback } from './loopback-server.js';

export interface SeenRequest {
  method: string;
  url: string;
  authorization?: string;
  body: string;
}

export interface FakeSigstore {
  url: string;
  /** The JWT the OIDC endpoint hands out, and its bearer token. */
  jwt: string;
  requestToken: string;
  seen: SeenRequest[];
  /** Rekor's log key (its public half verifies the SETs), and the log ID (sha256 of its SPKI). */
  rekorKey: KeyObject;
  logId: string;
  /** Answer this status from Fulcio instead of a certificate. */
  fulcioStatus?: number;
  stop(): Promise<void>;
}

const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const SUBJECT = 'repo:acme/app:ref:refs/heads/main';

function openssl(args: string[], dir: string): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A leaf certificate for `publicKeyPem`, signed by the test CA in `dir`. */
function mintCertificate(dir: string, publicKeyPem: string): string {
  writeFileSync(path.join(dir, 'leaf.pub'), publicKeyPem);
  openssl(['req', '-new', '-key', 'ca.key', '-subj', '/O=sigstore.dev', '-out', 'leaf.csr'], dir);
  const args = ['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial'];
  openssl([...args, '-force_pubkey', 'leaf.pub', '-days', '1', '-out', 'leaf.pem'], dir);
  return readFileSync(path.join(dir, 'leaf.pem'), 'utf8');
}

function fulcio(f: FakeSigstore, dir: string, body: string, res: ServerResponse): void {
  if (f.fulcioStatus)
    return void res.writeHead(f.fulcioStatus).end('{"code":7,"message":"permission denied"}');
  const req = JSON.parse(body) as {
    credentials: { oidcIdentityToken: string };
    publicKeyRequest: { publicKey: { content: string }; proofOfPossession: string };
  };
  const { content } = req.publicKeyRequest.publicKey;
  const proved = verify(
    'sha256',
    Buffer.from(SUBJECT),
    content,
    Buffer.from(req.publicKeyRequest.proofOfPossession, 'base64'),
  );
  if (req.credentials.oidcIdentityToken !== f.jwt || !proved) return void res.writeHead(401).end('{}');
  const chain = [mintCertificate(dir, content), readFileSync(path.join(dir, 'ca.pem'), 'utf8')];
  res.writeHead(201, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ signedCertificateEmbeddedSct: { chain: { certificates: chain } } }));
}

function rekor(f: FakeSigstore, body: string, res: ServerResponse): void {
  const entry = {
    body: Buffer.from(body).toString('base64'),
    integratedTime: 1764900000,
    logID: f.logId,
    logIndex: 4242 + f.seen.filter((r) => r.url.startsWith('/api/v1/log/entries')).length,
  };
  const canonical = JSON.stringify(entry); // keys already in sorted order: Rekor's canonical JSON
  const set = sign('sha256', Buffer.from(canonical), f.rekorKey).toString('base64');
  const uuid = createHash('sha256').update(body).digest('hex');
  res.writeHead(201, { 'content-type': 'application/json', location: `/api/v1/log/entries/${uuid}` });
  res.end(JSON.stringify({ [uuid]: { ...entry, verification: { signedEntryTimestamp: set } } }));
}

export async function startFakeSigstore(): Promise<FakeSigstore> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fake-sigstore-'));
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key'], dir);
  openssl(
    ['req', '-x509', '-new', '-key', 'ca.key', '-subj', '/O=test-fulcio', '-days', '1', '-out', 'ca.pem'],
    dir,
  );
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const f = {
    url: '',
    jwt: `${b64url({ alg: 'RS256' })}.${b64url({ sub: SUBJECT, iss: 'https://token.actions.githubusercontent.com', aud: 'sigstore' })}.c2ln`,
    requestToken: 'runner-request-token',
    seen: [] as SeenRequest[],
    rekorKey: privateKey,
    logId: createHash('sha256').update(spki).digest('hex'),
  } as FakeSigstore;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = req.url ?? '';
      f.seen.push({ method: req.method ?? '', url, authorization: req.headers.authorization, body });
      if (req.method === 'GET' && url.startsWith('/oidc')) {
        const ok = req.headers.authorization === `Bearer ${f.requestToken}`;
        return void res
          .writeHead(ok ? 200 : 401, { 'content-type': 'application/json' })
          .end(JSON.stringify(ok ? { value: f.jwt } : {}));
      }
      if (req.method === 'POST' && url === '/api/v2/signingCert') return fulcio(f, dir, body, res);
      if (req.method === 'POST' && url === '/api/v1/log/entries') return rekor(f, body, res);
      res.writeHead(404).end();
    });
  });
  const listening = await listenOnLoopback(server);
  f.url = `http://${listening.address}`;
  f.stop = async () => {
    await listening.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return f;
}
