// skopeo, the independent client the tests read back what the action pushed
// with: a manifest's bytes as the registry serves them, over plain HTTP or
// over TLS trusting a test CA.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface SkopeoAccess {
  /** user:password */
  creds?: string;
  /** The test CA's certificate: TLS is verified against it; without it, plain HTTP. */
  caFile?: string;
}

/** `skopeo inspect --raw docker://ref`: the manifest's bytes. */
export function skopeoRaw(ref: string, access: SkopeoAccess = {}): Buffer {
  const creds = access.creds ? ['--creds', access.creds] : [];
  if (!access.caFile)
    return execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', ...creds, `docker://${ref}`]);
  // skopeo wants a directory of CA certificates.
  const certDir = mkdtempSync(path.join(os.tmpdir(), 'certs-'));
  try {
    copyFileSync(access.caFile, path.join(certDir, 'ca.crt'));
    return execFileSync('skopeo', ['inspect', '--raw', '--cert-dir', certDir, ...creds, `docker://${ref}`]);
  } finally {
    rmSync(certDir, { recursive: true, force: true });
  }
}

/** `skopeo inspect --config docker://ref` over plain HTTP: the image config's labels. */
export function skopeoLabels(ref: string, creds?: string): Record<string, string> {
  const args = [
    'inspect',
    '--config',
    '--tls-verify=false',
    ...(creds ? ['--creds', creds] : []),
    `docker://${ref}`,
  ];
  const config = JSON.parse(execFileSync('skopeo', args, { encoding: 'utf8' })) as {
    config: { Labels?: Record<string, string> };
  };
  return config.config.Labels ?? {};
}

/** `skopeo copy --all FROM TO` (transport:reference each), over plain HTTP where either is a registry. */
export function skopeoCopyAll(from: string, to: string): void {
  execFileSync('skopeo', ['copy', '--all', '--src-tls-verify=false', '--dest-tls-verify=false', from, to], {
    stdio: 'pipe',
  });
}
