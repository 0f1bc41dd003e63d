// Turns 'secrets' (values), 'secret-files' (paths) and 'secret-envs' (names
// of environment variables) into buildx --secret specs; values go to 0600
// files in the run directory, removed in post; buildx reads an env secret
// from its own environment, which exec.ts passes on.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export interface Secret {
  id: string;
  /** The secret itself ('secrets') ... */
  value?: string;
  /** ... or a file holding it ('secret-files') ... */
  src?: string;
  /** ... or the environment variable holding it ('secret-envs'). */
  env?: string;
}

export function writeSecrets(secrets: readonly Secret[], runDir: string): string[] {
  if (secrets.length === 0) return [];
  const dir = path.join(runDir, 'secrets');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return secrets.map((s) => {
    if (s.src !== undefined) return `id=${s.id},src=${s.src}`;
    if (s.env !== undefined) return `id=${s.id},env=${s.env}`;
    const file = path.join(dir, s.id);
    writeFileSync(file, s.value ?? '', { mode: 0o600 });
    return `id=${s.id},src=${file}`;
  });
}
