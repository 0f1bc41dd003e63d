// The job summary: one row per platform, the index, then (build mode) the timeline.
import * as core from '@actions/core';
import { forMarkdown as md } from './log-safe.js';
import { renderGantt, type Phase } from './timeline.js';

export interface PlatformRow {
  platform: string;
  how: string;
  digest: string;
  size: number;
  /** Build mode: the image's config digest (its image ID). */
  configDigest?: string;
  /** Build time; absent in merge-only mode, which builds nothing. */
  seconds?: number;
  /** 'one build' (with the other platforms) or 'own build'; absent in merge-only mode. */
  build?: string;
  /** Smoke test result, when 'test-command' is set. */
  test?: string;
}

/** The referrers carried for one platform, by kind (publish/referrers-rows.ts adds them up). */
export interface ReferrerRow {
  platform: string;
  signature: number;
  sbom: number;
  provenance: number;
  attestation: number;
  other: number;
  /** The artifact types counted as other. */
  otherTypes: string[];
}

/** The referrers table, when any were carried: names from a source's manifests, so escaped. */
function addReferrers(rows: readonly ReferrerRow[]): void {
  if (rows.length === 0) return;
  const heads = ['Platform', 'Signatures', 'SBOMs', 'Provenance', 'Other attestations', 'Other artifacts'];
  const other = (r: ReferrerRow) =>
    r.other === 0
      ? '0'
      : `${r.other} (${r.otherTypes.map((t) => `<code>${md(t || 'untyped')}</code>`).join(', ')})`;
  const table = [
    heads.map((h) => ({ data: h, header: true })),
    ...rows.map((r) => [
      md(r.platform),
      ...[r.signature, r.sbom, r.provenance, r.attestation].map(String),
      other(r),
    ]),
  ];
  core.summary.addHeading('Referrers carried', 3).addTable(table);
}

export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

/** The emulation table, written before any build so a failed run still shows it. */
export async function writeEmulationSummary(
  rows: readonly { platform: string; how: string; mode: string; detail: string }[],
): Promise<void> {
  const table = [
    [
      { data: 'Platform', header: true },
      { data: 'Runs', header: true },
      { data: 'How', header: true },
    ],
    ...rows.map((r) => [md(r.platform), md(r.how), md(r.detail)]),
  ];
  await core.summary.addHeading('Emulation', 3).addTable(table).write();
}

function whereTo(index: { tags: string[]; pushed: boolean }): string {
  if (!index.pushed) return 'the local registry only (push is false)';
  return index.tags.map((t) => `<code>${md(t)}</code>`).join(', ');
}

export async function writeSummary(
  rows: readonly PlatformRow[],
  index: { digest: string; mediaType: string; tags: string[]; pushed: boolean },
  timeline: readonly Phase[] = [],
  referrers: readonly ReferrerRow[] = [],
): Promise<void> {
  const tested = rows.some((r) => r.test);
  const timed = rows.some((r) => r.seconds !== undefined);
  const built = rows.some((r) => r.build);
  const headers = [
    'Platform',
    'Ran',
    ...(built ? ['Build'] : []),
    'Digest',
    'Size',
    ...(timed ? ['Time'] : []),
    ...(tested ? ['Smoke test'] : []),
  ];
  const table = [
    headers.map((h) => ({ data: h, header: true })),
    // Platforms, digests and media types come from manifests someone else may have written.
    ...rows.map((r) => [
      md(r.platform),
      md(r.how),
      ...(built ? [md(r.build ?? '-')] : []),
      `<code>${md(r.digest)}</code>`,
      formatSize(r.size),
      ...(timed ? [r.seconds === undefined ? '-' : `${r.seconds.toFixed(1)} s`] : []),
      ...(tested ? [md(r.test ?? '-')] : []),
    ]),
  ];
  const where = whereTo(index);
  core.summary
    .addHeading('Multi-arch image', 2)
    .addTable(table)
    .addRaw(`<p>Index <code>${md(index.digest)}</code> (${md(index.mediaType)}) at ${where}.</p>`, true);
  addReferrers(referrers);
  const gantt = renderGantt(timeline);
  // GitHub renders a mermaid code block as the chart; a blank line keeps it out of the HTML above.
  if (gantt) core.summary.addHeading('Timeline', 3).addRaw(`\n\`\`\`mermaid\n${gantt}\n\`\`\`\n`, true);
  await core.summary.write();
}
