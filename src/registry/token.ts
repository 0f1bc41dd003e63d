// The Bearer token flow of the distribution token spec: scopes, the token
// request (several scopes in one, basic credentials when there are any), and
// the answer (`token` or `access_token`, `expires_in`).
import * as core from '@actions/core';
import { HttpError } from '../errors.js';
import { type Http } from '../http.js';
import { isTransientStatus, TransientError } from '../retry.js';
import type { Credentials } from './credentials.js';
import { checkRealm } from './origin.js';
import { drain } from './response.js';
import { readBounded, TOKEN_LIMIT } from '../bounded-body.js';
import { forLog } from '../log-safe.js';

export type Access = 'pull' | 'push';

export interface Token {
  value: string;
  /** Epoch ms after which the token is not worth sending. */
  expiresAt: number;
}

/** The spec's default lifetime when the server does not say. */
const DEFAULT_EXPIRES_IN_S = 60;

export function scopeFor(repository: string, access: Access): string {
  return `repository:${repository}:${access === 'push' ? 'pull,push' : 'pull'}`;
}

/** realm?service=...&scope=...&scope=... (pure). */
export function tokenUrl(params: Record<string, string>, scopes: readonly string[]): string {
  const url = new URL(params.realm ?? '');
  if (params.service) url.searchParams.set('service', params.service);
  for (const scope of scopes) url.searchParams.append('scope', scope);
  return url.toString();
}

/** Reads a token server's JSON answer (pure); undefined when it holds no token. */
export function parseTokenResponse(json: unknown, now = Date.now()): Token | undefined {
  const body = (json ?? {}) as { token?: unknown; access_token?: unknown; expires_in?: unknown };
  const value = typeof body.token === 'string' && body.token ? body.token : body.access_token;
  if (typeof value !== 'string' || value === '') return undefined;
  const seconds =
    typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : DEFAULT_EXPIRES_IN_S;
  return { value, expiresAt: now + seconds * 1000 };
}

export function basicAuthorization(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

export async function fetchToken(
  http: Http,
  params: Record<string, string>,
  scopes: readonly string[],
  credentials: Credentials | undefined,
  who: { registry: string; identity: string; base: string },
): Promise<Token> {
  if (credentials) checkRealm(who.base, params.realm ?? '', who.registry);
  const url = tokenUrl(params, scopes);
  const where = new URL(url);
  const res = await http.request({
    method: 'GET',
    url,
    headers: credentials ? { authorization: basicAuthorization(credentials) } : {},
  });
  if (res.status !== 200) {
    const text = forLog((await drain(res)).trim().split('\n')[0]?.slice(0, 200) ?? '');
    if (isTransientStatus(res.status))
      throw new TransientError(`token server ${where.host} answered ${res.status}`);
    throw new HttpError(
      `Cannot get a token for ${scopes.join(' ')} on ${who.registry} from ${where.origin}${where.pathname}: ${res.status}${text ? ` ${text}` : ''} for ${who.identity}. Check 'username' and 'password' or run docker/login-action first.`,
      res.status,
    );
  }
  const what = `token answer for ${who.registry}`;
  const text = (await readBounded(res, { limit: TOKEN_LIMIT, what, url })).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new TransientError(`token server ${where.host} answered with unreadable JSON (truncated?)`);
  }
  const token = parseTokenResponse(json);
  if (!token)
    throw new HttpError(`Token server ${where.host} answered without a token for ${scopes.join(' ')}.`);
  core.setSecret(token.value); // a bearer token is a credential: masked the moment it is read
  return token;
}
