// Which scheme a registry speaks: https unless told otherwise, and for a
// loopback or 'insecure-registries' host ('probe') https first, falling back
// to plain http when the host answers a TLS hello with an error at once.
import { errorCode } from '../errors.js';
import { isCertificateError, type Http } from '../http.js';
import { apiHost } from './reference.js';
import { untrustedCertificate } from './tls-error.js';

/** 'probe': HTTPS, falling back to plain HTTP when the registry does not speak TLS (loopback only). */
export type Scheme = 'https' | 'http' | 'probe';

/** Errors of a host that took the connection (or not) and never answered. */
const SILENT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT']);

/** https://host or http://host. */
export async function resolveBase(http: Http, registry: string, scheme: Scheme | undefined): Promise<string> {
  const host = apiHost(registry);
  if (scheme === 'http') return `http://${host}`;
  if (scheme !== 'probe') return `https://${host}`;
  try {
    const res = await http.request({ method: 'GET', url: `https://${host}/v2/` });
    await res.body.dump();
    return `https://${host}`;
  } catch (err) {
    if (isCertificateError(err)) throw untrustedCertificate(registry, err);
    // A plain-HTTP registry answers a TLS hello at once (with an error): one that said nothing is down.
    if (SILENT_CODES.has(errorCode(err) ?? '')) throw err;
    return `http://${host}`;
  }
}
