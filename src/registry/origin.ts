// Where a registry's credentials may go (pure): the one place that decides.
// Authorization goes only to the origin (scheme, host and port) that issued
// the challenge, the registry's own; a Location elsewhere (an upload session,
// a blob redirect) gets the request without it, and one that would move an
// https session to plain http is refused. A password goes to a token realm
// only over https or on the registry's own origin.
import { HttpError } from '../errors.js';

export type CredentialRule = 'send' | 'withhold';

/**
 * Whether `url` may carry the credentials of the registry at `base`: 'send' on
 * the registry's own origin, 'withhold' elsewhere; throws when an https
 * registry points at plain http (a downgrade a peer in the middle could ask for).
 */
export function credentialRule(base: string, url: string, registry: string): CredentialRule {
  const from = new URL(base);
  const to = new URL(url);
  if (from.protocol === 'https:' && to.protocol !== 'https:')
    throw new HttpError(
      `Refusing to follow ${registry} from https to ${to.protocol}//${to.host}${to.pathname}: the registry or a proxy in between named a plain-http location. Check the registry's proxy configuration (X-Forwarded-Proto) or the network path to it.`,
      undefined,
      'INSECURE_LOCATION',
    );
  return from.origin === to.origin ? 'send' : 'withhold';
}

/**
 * Throws unless Basic credentials may be sent to the token `realm` of the
 * registry at `base`: an https realm, or the registry's own origin.
 */
export function checkRealm(base: string, realm: string, registry: string): void {
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw new HttpError(`The registry ${registry} named a token realm that is not a URL: '${realm}'.`);
  }
  if (url.protocol === 'https:' || url.origin === new URL(base).origin) return;
  throw new HttpError(
    `Refusing to send the password for ${registry} to its token realm ${url.origin}${url.pathname}: the realm is not https and not the registry's own origin (${new URL(base).origin}), so anyone on the path could read it. Serve the token endpoint over https.`,
    undefined,
    'INSECURE_REALM',
  );
}
