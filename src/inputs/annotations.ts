// Parses 'annotations' (pure): KEY=VALUE lines, each optionally prefixed by
// levels as metadata-action writes them and buildx takes them
// (index:, manifest:, manifest-descriptor:, index-descriptor:, several
// comma separated, a level narrowed to a platform as manifest[linux/arm64]:).
// A line without a prefix annotates the index, as this action always did.
import { ANNOTATION_LEVELS, type Annotation, type AnnotationLevel } from '../oci/annotation-levels.js';
import { formatPlatform, parsePlatform } from '../platform.js';
import { splitList } from './parsers.js';

type Problems = string[];

const PREFIX = /^([a-z-]+(?:,[a-z-]+)*)(?:\[([^\]]*)\])?:(.*)$/;

function levelsOf(line: string, prefix: string, problems: Problems): AnnotationLevel[] | undefined {
  const levels = prefix.split(',');
  const bad = levels.filter((l) => !(ANNOTATION_LEVELS as readonly string[]).includes(l));
  if (bad.length === 0) return levels as AnnotationLevel[];
  problems.push(
    `Input 'annotations' has '${line}', whose level '${bad.join(',')}' is unknown; valid levels are ${ANNOTATION_LEVELS.join(', ')} (e.g. manifest:org.opencontainers.image.title=app), or no prefix for the index.`,
  );
  return undefined;
}

function parseLine(line: string, problems: Problems): Annotation[] {
  const eq = line.indexOf('=');
  const head = eq > 0 ? line.slice(0, eq) : line;
  const m = PREFIX.exec(head);
  let levels: AnnotationLevel[] | undefined = ['index'];
  let platform: string | undefined;
  let key = head;
  if (m) {
    levels = levelsOf(line, m[1] ?? '', problems);
    key = m[3] ?? '';
    if (m[2] !== undefined) {
      const p = parsePlatform(m[2]);
      if (!p) {
        problems.push(
          `Input 'annotations' has '${line}', whose platform '${m[2]}' is unknown; write it as os/arch such as manifest[linux/arm64]:KEY=VALUE.`,
        );
        return [];
      }
      platform = formatPlatform(p);
    }
  }
  if (!levels) return [];
  if (eq <= 0 || key.trim() === '' || /\s/.test(key)) {
    problems.push(
      `Input 'annotations' has '${line}'; each line must be [LEVEL:]KEY=VALUE with a key without spaces, such as manifest:org.opencontainers.image.title=app.`,
    );
    return [];
  }
  if (platform && levels.some((l) => l === 'index' || l === 'index-descriptor'))
    problems.push(
      `Input 'annotations' has '${line}'; a platform narrows only manifest and manifest-descriptor annotations.`,
    );
  const value = line.slice(eq + 1);
  return levels.map((level) => ({ level, key, value, ...(platform && { platform }) }));
}

export function parseAnnotations(value: string, problems: Problems): Annotation[] {
  return splitList(value, false).flatMap((line) => parseLine(line, problems));
}
