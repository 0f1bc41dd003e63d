// Annotations by level, as buildx's --annotation and metadata-action's
// prefixes name them (pure): index (the index itself), manifest (each image
// manifest, set by buildx at build time), manifest-descriptor (each image's
// entry in the index) and index-descriptor (the index's entry in an OCI
// layout's index.json), a level optionally narrowed to one platform.
import { formatPlatform, parsePlatform } from '../platform.js';
import { isAttestation } from './attestations.js';
import type { Descriptor } from './types.js';

export const ANNOTATION_LEVELS = ['index', 'manifest', 'manifest-descriptor', 'index-descriptor'] as const;
export type AnnotationLevel = (typeof ANNOTATION_LEVELS)[number];

export interface Annotation {
  level: AnnotationLevel;
  /** os/arch[/variant] when the entry named one (manifest[linux/arm64]:key=value). */
  platform?: string;
  key: string;
  value: string;
}

/** The annotations of one level without a platform, as an annotations map. */
export function annotationsAt(all: readonly Annotation[], level: AnnotationLevel): Record<string, string> {
  return Object.fromEntries(all.filter((a) => a.level === level).map((a) => [a.key, a.value]));
}

/** The entry's platform as parsePlatform normalises it (linux/arm64/v8 is linux/arm64). */
function platformOf(d: Descriptor): string {
  const raw = [d.platform?.os, d.platform?.architecture, d.platform?.variant].filter(Boolean).join('/');
  const p = parsePlatform(raw);
  return p ? formatPlatform(p) : raw;
}

/** The index's entries with the manifest-descriptor annotations on each image (not on attestations). */
export function annotateEntries(entries: readonly Descriptor[], all: readonly Annotation[]): Descriptor[] {
  const own = all.filter((a) => a.level === 'manifest-descriptor');
  if (own.length === 0) return [...entries];
  return entries.map((d) => {
    if (isAttestation(d)) return d;
    const mine = own.filter((a) => a.platform === undefined || a.platform === platformOf(d));
    if (mine.length === 0) return d;
    return {
      ...d,
      annotations: { ...d.annotations, ...Object.fromEntries(mine.map((a) => [a.key, a.value])) },
    };
  });
}

/** buildx --annotation values for the manifest level (the only level buildx sets for this action). */
export function manifestAnnotationArgs(all: readonly Annotation[]): string[] {
  return all
    .filter((a) => a.level === 'manifest')
    .map((a) => `manifest${a.platform ? `[${a.platform}]` : ''}:${a.key}=${a.value}`);
}
