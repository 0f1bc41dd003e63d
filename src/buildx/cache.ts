// Gives each platform its own cache (pure), so platforms built one by one
// never overwrite each other's: a gha scope, registry ref, local directory
// or bucket name without a per-platform part gets the platform's slug.
// `{platform}` anywhere in an entry is replaced instead, for full control.

function parseAttrs(entry: string): [string, string][] {
  if (!entry.includes('='))
    return [
      ['type', 'registry'],
      ['ref', entry],
    ]; // shorthand: an image ref
  return entry.split(',').map((kv) => {
    const eq = kv.indexOf('=');
    return eq < 0 ? [kv.trim(), ''] : [kv.slice(0, eq).trim(), kv.slice(eq + 1).trim()];
  });
}

function suffixRef(ref: string, slug: string): string {
  if (ref.includes('@')) return ref; // pinned by digest: one cache, read only
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? `${ref}-${slug}` : `${ref}:${slug}`;
}

const SCOPED_KEYS: Record<
  string,
  { key: string; fallback?: string; scope: (v: string, slug: string) => string }[]
> = {
  gha: [{ key: 'scope', fallback: 'buildkit', scope: (v, s) => `${v}-${s}` }],
  registry: [{ key: 'ref', scope: suffixRef }],
  local: [
    { key: 'src', scope: (v, s) => `${v}/${s}` },
    { key: 'dest', scope: (v, s) => `${v}/${s}` },
  ],
  s3: [{ key: 'name', scope: (v, s) => `${v}-${s}` }],
  azblob: [{ key: 'name', scope: (v, s) => `${v}-${s}` }],
};

export function scopeCacheEntry(entry: string, slug: string): string {
  if (entry.includes('{platform}')) return entry.replaceAll('{platform}', slug);
  const attrs = parseAttrs(entry);
  const type = attrs.find(([k]) => k === 'type')?.[1] ?? 'registry';
  for (const rule of SCOPED_KEYS[type] ?? []) {
    const found = attrs.find(([k]) => k === rule.key);
    if (found) found[1] = rule.scope(found[1], slug);
    else if (rule.fallback) attrs.push([rule.key, rule.scope(rule.fallback, slug)]);
  }
  return attrs.map(([k, v]) => `${k}=${v}`).join(',');
}

/** Cache exports the classic docker driver can do: none but inline. */
export function needsContainerDriver(cacheTo: readonly string[]): string | undefined {
  return cacheTo.find((e) => !/(^|,)type=inline(,|$)/.test(e));
}
