// The local registry's storage on disk, where build mode reads blobs without
// asking the registry: distribution's filesystem layout since 2.0.
import * as path from 'node:path';

/** `<root>/docker/registry/v2/blobs/sha256/<2 hex>/<hex>/data` (pure). */
export function blobPath(root: string, digest: string): string {
  const [algorithm = '', hex = ''] = digest.split(':');
  if (!/^[a-f0-9]{64}$/.test(hex) || algorithm !== 'sha256')
    throw new Error(`not a sha256 digest: ${digest}`);
  return path.join(root, 'docker', 'registry', 'v2', 'blobs', algorithm, hex.slice(0, 2), hex, 'data');
}
