// What one registry wants in Authorization: nothing until it challenges, then
// Basic, or Bearer tokens cached per scope set (shared by concurrent requests,
// renewed shortly before they expire and once when the registry rejects one).
import type { Http } from '../http.js';
import { parseChallenge } from './challenge.js';
import type { Credentials } from './credentials.js';
import { basicAuthorization, fetchToken, type Token } from './token.js';

/** Renew a token this long before it expires, so it never lapses mid-request. */
const RENEW_MARGIN_MS = 10_000;

export class Authenticator {
  private basic?: string;
  private realm?: Record<string, string>;
  /** The registry's own origin (where the challenge came from): what a plain-http realm must match. */
  private base?: string;
  private readonly tokens = new Map<string, Promise<Token>>();

  constructor(
    private readonly http: Http,
    readonly registry: string,
    readonly credentials: Credentials | undefined,
  ) {}

  /** Who we are, for error messages: never the secret. */
  get identity(): string {
    const c = this.credentials;
    return c ? `user '${c.username}' (from ${c.source})` : 'anonymous access (no credentials found)';
  }

  /** The Authorization to send for these scopes, if the registry asked for one. */
  async authorization(scopes: readonly string[]): Promise<string | undefined> {
    if (!this.realm) return this.basic;
    const key = scopes.join(' ');
    let pending = this.tokens.get(key);
    const current = pending && (await pending.catch(() => undefined));
    if (!current || current.expiresAt - RENEW_MARGIN_MS < Date.now()) {
      pending = this.renew(key, scopes);
      const token = await pending;
      return `Bearer ${token.value}`;
    }
    return `Bearer ${current.value}`;
  }

  private renew(key: string, scopes: readonly string[]): Promise<Token> {
    const pending = fetchToken(this.http, this.realm ?? {}, scopes, this.credentials, {
      registry: this.registry,
      identity: this.identity,
      base: this.base ?? '',
    });
    this.tokens.set(key, pending);
    pending.catch(() => this.tokens.get(key) === pending && this.tokens.delete(key));
    return pending;
  }

  /**
   * Answers a 401. `sent` is the Authorization that was rejected: when another
   * request already replaced it, trying again is enough. True when a new
   * attempt is worth making. `base` is the registry's origin that challenged.
   */
  async refresh(
    challenge: string | undefined,
    scopes: readonly string[],
    sent: string | undefined,
    base: string,
  ): Promise<boolean> {
    const now = await this.authorization(scopes).catch(() => undefined);
    if (now !== undefined && now !== sent) return true;
    const parsed = parseChallenge(challenge);
    if (parsed?.scheme === 'basic') {
      if (!this.credentials || this.basic) return false;
      this.basic = basicAuthorization(this.credentials);
      return true;
    }
    if (parsed?.scheme !== 'bearer' || !parsed.params.realm) return false;
    this.realm = parsed.params;
    this.base = base;
    await this.renew(scopes.join(' '), scopes);
    return true;
  }
}
