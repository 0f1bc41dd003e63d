// An image's platform (pure): read from its config blob, never guessed, with
// only the characters platform names are made of (they reach the log, the
// summary and the index), and the key one index lists each platform by once.
import { forLog } from '../log-safe.js';
import type { ImageConfig, OciPlatform } from './types.js';

const PLATFORM_FIELD = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Platform fields taken from the image config blob, never guessed. */
export function platformFromConfig(config: ImageConfig): OciPlatform {
  if (!config.os || !config.architecture) {
    throw new Error('image config has no os/architecture');
  }
  // These reach the log, the summary and the index: only the characters platforms are made of.
  for (const [field, value] of [
    ['os', config.os],
    ['architecture', config.architecture],
    ['variant', config.variant],
  ] as const)
    if (value !== undefined && !PLATFORM_FIELD.test(String(value)))
      throw new Error(
        `image config has ${field} '${forLog(String(value).slice(0, 40))}', which is not a platform name (letters, digits, '.', '_', '-')`,
      );
  const p: OciPlatform = { architecture: config.architecture, os: config.os };
  if (config.variant) p.variant = config.variant;
  if (config['os.version']) p['os.version'] = config['os.version'];
  if (config['os.features']?.length) p['os.features'] = config['os.features'];
  return p;
}

/** linux/arm/v7, windows/amd64:10.0.17763.1 (pure): one index lists each once. */
export function platformKey(p: OciPlatform | undefined): string {
  if (!p) return 'unknown';
  const base = [p.os, p.architecture, p.variant].filter(Boolean).join('/');
  return p['os.version'] ? `${base}:${p['os.version']}` : base;
}
