// What the referrers carried add up to per platform (pure), for the job
// summary's table and the 'metadata' output: counts by kind, and the other
// artifact types by name.
import type { ReferrerRow } from '../summary.js';
import type { FoundReferrer } from './referrers-find.js';

export function referrerRows(found: readonly FoundReferrer[]): ReferrerRow[] {
  const rows = new Map<string, ReferrerRow>();
  for (const r of found) {
    const platform = r.platform || 'unknown';
    const row = rows.get(platform) ?? {
      platform,
      signature: 0,
      sbom: 0,
      provenance: 0,
      attestation: 0,
      other: 0,
      otherTypes: [],
    };
    row[r.kind]++;
    if (r.kind === 'other' && !row.otherTypes.includes(r.artifactType)) row.otherTypes.push(r.artifactType);
    rows.set(platform, row);
  }
  return [...rows.values()];
}
