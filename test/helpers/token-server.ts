// A small token server for distribution's `auth.token`: checks basic
// credentials, grants the requested scopes and answers an RS256 JWT whose
// x5c header carries a certificate from the registry's rootcertbundle.
// Records every request so tests can see scopes, refreshes and failures.
import { createSign, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type RequestListener } from 'node:http';
import { createServer as createTlsServer } from 'node:https';

export interface TokenServerOptions {
  user: string;
  password: string;
  service: string;
  issuer: string;
  certFile: string;
  keyFile: string;
  /** Serve https with this server certificate (as a real token service does); plain http otherwise. */
  tls?: { certFile: string; keyFile: string };
}

export interface TokenRequest {
  scopes: string[];
  user?: string;
  status: number;
  expired?: boolean;
  /** The token issued, so tests can check it never reaches a log. */
  token?: string;
}

export interface TokenServer {
  realm: string;
  requests: TokenRequest[];
  /** Set to issue the next token with push access already expired (the registry rejects it mid-push). */
  expireNextPushToken: boolean;
  stop(): Promise<void>;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

function sign(options: TokenServerOptions, subject: string, scopes: string[], expiresAt: number): string {
  const der = readFileSync(options.certFile, 'utf8').replace(/-----[^-]+-----|\s/g, '');
  const header = { typ: 'JWT', alg: 'RS256', x5c: [der] };
  const now = Math.floor(Date.now() / 1000);
  const access = scopes.map((s) => {
    const [type = '', name = '', actions = ''] = s.split(':');
    return { type, name, actions: actions.split(',').filter(Boolean) };
  });
  const claims = {
    iss: options.issuer,
    sub: subject,
    aud: options.service,
    exp: expiresAt,
    nbf: now - 5,
    iat: now,
    jti: randomBytes(8).toString('hex'),
    access,
  };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(input).sign(readFileSync(options.keyFile, 'utf8'));
  return `${input}.${b64url(signature)}`;
}

function basicUser(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const requests: TokenRequest[] = [];
  const control = { expireNextPushToken: false };
  const handler: RequestListener = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const scopes = url.searchParams.getAll('scope');
    const creds = basicUser(req.headers.authorization);
    if (!creds || creds.user !== options.user || creds.password !== options.password) {
      requests.push({ scopes, ...(creds && { user: creds.user }), status: 401 });
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ details: 'incorrect username or password' }));
      return;
    }
    const push = scopes.some((s) => s.endsWith(':pull,push') || s.endsWith(':push'));
    const expire = control.expireNextPushToken && push;
    if (expire) control.expireNextPushToken = false;
    // The registry allows 60 s of clock skew: 120 s in the past is expired for sure.
    const expiresAt = Math.floor(Date.now() / 1000) + (expire ? -120 : 300);
    const token = sign(options, creds.user, scopes, expiresAt);
    requests.push({ scopes, user: creds.user, status: 200, expired: expire, token });
    res.writeHead(200, { 'content-type': 'application/json' });
    // Claims 300 s either way, as a server would whose clock the client cannot check.
    res.end(
      JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }),
    );
  };
  const tls = options.tls;
  const server: Server = tls
    ? createTlsServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, handler)
    : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return Object.assign(control, {
    realm: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/token`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
