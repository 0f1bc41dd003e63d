// Pure parsers shared by the input modules: lists, booleans, KEY=VALUE lines,
// choices, image references, OCI layout sources and registry hosts. Each
// problem names the input, the bad value and what would be valid.
import { LayoutSyntaxError, parseLayoutReference } from '../oci/layout.js';
import { parseReference, ReferenceSyntaxError } from '../registry/reference.js';
import type { SourceReference } from '../merge-mode/sources.js';

const HOST_PORT =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::\d{1,5})?$/;

/** Splits on newlines, and on commas too when `commas`; trims, drops empties. */
export function splitList(value: string, commas: boolean): string[] {
  return value
    .split(commas ? /[\n,]/ : /\n/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function parseBoolean(name: string, value: string, problems: string[]): boolean {
  if (/^true$/i.test(value.trim())) return true;
  if (/^false$/i.test(value.trim()) || value.trim() === '') return false;
  problems.push(`Input '${name}' is '${value}'; valid values are true or false.`);
  return false;
}

export function parseKeyValues(name: string, value: string, problems: string[]): string[] {
  const lines = splitList(value, false);
  for (const line of lines) {
    const eq = line.indexOf('=');
    const key = eq > 0 ? line.slice(0, eq) : '';
    if (!key || /\s/.test(key)) {
      problems.push(`Input '${name}' has '${line}'; each line must be KEY=VALUE with a key without spaces.`);
    }
  }
  return lines;
}

/** Registry references, and OCI image layouts (oci-archive:PATH[:REF], oci:DIR[:REF]) resolved against cwd. */
export function parseSources(value: string, cwd: string, problems: string[]): SourceReference[] {
  const sources: SourceReference[] = [];
  for (const raw of splitList(value, true)) {
    try {
      const layout = parseLayoutReference(raw, cwd);
      if (layout) {
        sources.push(layout);
        continue;
      }
      const ref = parseReference(raw);
      sources.push(ref.digest || ref.tag ? ref : { ...ref, tag: 'latest' });
    } catch (err) {
      if (err instanceof LayoutSyntaxError) {
        problems.push(
          `Input 'sources' has invalid OCI layout '${raw}': ${err.message}; use oci-archive:PATH[:REF] or oci:DIR[:REF] such as oci-archive:app.oci.tar.`,
        );
        continue;
      }
      if (!(err instanceof ReferenceSyntaxError)) throw err;
      problems.push(
        `Input 'sources' has invalid reference '${raw}': ${err.message}; use name:tag, name@sha256:<digest> or oci-archive:PATH, such as ghcr.io/acme/app:1.0-amd64.`,
      );
    }
  }
  return sources;
}

export function parseHosts(value: string, problems: string[]): string[] {
  const hosts = splitList(value, true);
  for (const host of hosts.filter((h) => !HOST_PORT.test(h))) {
    problems.push(
      `Input 'insecure-registries' has '${host}'; each entry is a registry host[:port] such as registry.intranet:5000, without a scheme or path.`,
    );
  }
  return hosts;
}

export function parseChoice<T extends string>(
  name: string,
  value: string,
  valid: readonly T[],
  problems: string[],
): T {
  const v = value.trim(); // the default comes from action.yml, never from here
  if (!(valid as readonly string[]).includes(v)) {
    problems.push(`Input '${name}' is '${v}'; valid values are ${valid.join(', ')}.`);
  }
  return v as T;
}

/** An image input (qemu-image, buildkit-image, ...) must be a valid reference. */
export function checkImage(name: string, value: string, problems: string[]): void {
  if (!value.trim()) return;
  try {
    parseReference(value);
  } catch (err) {
    if (!(err instanceof ReferenceSyntaxError)) throw err;
    problems.push(
      `Input '${name}' is '${value}', which is not an image reference: ${err.message}; e.g. registry:2.8.3.`,
    );
  }
}

/** Docker stage names: a letter or digit, then letters, digits, '_', '.' or '-'. */
export function checkStage(value: string, problems: string[]): void {
  if (value.trim() && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(value.trim())) {
    problems.push(
      `Input 'target' is '${value}', which is not a stage name (letters, digits, '_', '.', '-').`,
    );
  }
}
