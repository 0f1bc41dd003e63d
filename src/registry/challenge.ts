// Parses WWW-Authenticate challenges (pure): Basic realm="..." or
// Bearer realm="...",service="...",scope="..." with quoted commas.

export interface Challenge {
  scheme: 'basic' | 'bearer';
  params: Record<string, string>;
}

const PARAM = /^([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?\s*/;
const SCHEME = /^(\w+)(?:\s+|,\s*|$)/;

/** Every challenge of a header, in order (RFC 7235 allows several in one: "Bearer …, Basic …"). */
export function parseChallenges(header: string): { scheme: string; params: Record<string, string> }[] {
  const challenges: { scheme: string; params: Record<string, string> }[] = [];
  let rest = header.trim();
  while (rest !== '') {
    const param = PARAM.exec(rest);
    const current = challenges[challenges.length - 1];
    if (param && current) {
      current.params[(param[1] ?? '').toLowerCase()] =
        param[2] !== undefined ? param[2].replace(/\\(.)/g, '$1') : (param[3] ?? '');
      rest = rest.slice(param[0].length);
      continue;
    }
    const scheme = SCHEME.exec(rest);
    if (!scheme) break;
    challenges.push({ scheme: (scheme[1] ?? '').toLowerCase(), params: {} });
    rest = rest.slice(scheme[0].length);
  }
  return challenges;
}

/** The challenge to answer: Bearer when offered, else Basic; undefined for anything else. */
export function parseChallenge(header: string | undefined): Challenge | undefined {
  const known = parseChallenges(header ?? '').filter(
    (c): c is Challenge => c.scheme === 'basic' || c.scheme === 'bearer',
  );
  return known.find((c) => c.scheme === 'bearer') ?? known[0];
}
