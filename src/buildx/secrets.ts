// Turns 'secrets' (values) and 'secret-files' (paths) into buildx --secret
// specs; values go to 0600 files in the run directory, removed in post.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export interface Secret {
  id: string;
  /** The secret itself ('secrets') ... */
  value?: string;
  /** ... or a file holding it ('secret-files'). */
  src?: string;
}

export function writeSecrets(secrets: readonly Secret[], runDir: string): string[] {
  if (secrets.length === 0) return [];
  const dir = path.join(runDir, 'secrets');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return secrets.map((s) => {
    if (s.src !== undefined) return `id=${s.id},src=${s.src}`;
    const file = path.join(dir, s.id);
    writeFileSync(file, s.value ?? '', { mode: 0o600 });
    return `id=${s.id},src=${file}`;
  });
}
