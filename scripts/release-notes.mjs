// Release notes for a tag, from CHANGELOG.md: `node scripts/release-notes.mjs
// v1.2.3 [CHANGELOG.md]` prints the body of the `## [1.2.3]` section (up to the
// next `## ` heading), for `gh release create --notes-file`. A tag that is not
// vX.Y.Z[-pre], or a version with no section or an empty one, fails naming
// the version and the fix, so no release goes out without its notes.
import { readFileSync } from 'node:fs';

const TAG = /^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/;

/** The section body for `tag` in the changelog text, or an Error saying why not. */
export function releaseNotes(changelog, tag) {
  const m = TAG.exec(tag);
  if (!m) return new Error(`Tag '${tag}' is not a release tag: expected vX.Y.Z or vX.Y.Z-PRERELEASE.`);
  const version = m[1];
  const lines = changelog.split(/\r?\n/);
  const heading = new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\](\\s|$)`);
  const start = lines.findIndex((l) => heading.test(l));
  if (start < 0)
    return new Error(
      `CHANGELOG.md has no section for ${version}: add '## [${version}] - YYYY-MM-DD' (move the Unreleased entries under it) and tag again.`,
    );
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => /^## /.test(l));
  // Link definitions (`[1.2.0]: https://…`) sit at the end of the file, after the last section.
  const section = (end < 0 ? rest : rest.slice(0, end)).filter((l) => !/^\[[^\]]+\]:\s/.test(l));
  const body = section.join('\n').trim();
  if (body === '')
    return new Error(`CHANGELOG.md's section for ${version} is empty: write what the release changes.`);
  return body + '\n';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [tag = '', file = 'CHANGELOG.md'] = process.argv.slice(2);
  const notes = releaseNotes(readFileSync(file, 'utf8'), tag);
  if (notes instanceof Error) {
    console.error(notes.message);
    process.exitCode = 1;
  } else process.stdout.write(notes);
}
