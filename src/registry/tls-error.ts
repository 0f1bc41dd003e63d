// The error for a registry whose TLS certificate this runner does not trust (pure).
import { HttpError, errorCode } from '../errors.js';

export function untrustedCertificate(registry: string, err: unknown): HttpError {
  const code = errorCode(err) ?? 'TLS error';
  return new HttpError(
    `Cannot trust the TLS certificate of ${registry}: ${code}. Set 'ca-file' (or NODE_EXTRA_CA_CERTS) to its CA certificate in PEM, or list it in 'insecure-registries' if it speaks plain HTTP.`,
    undefined,
    code,
  );
}
