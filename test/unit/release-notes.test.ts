// scripts/release-notes.mjs run as the release workflow runs it: a tag and a
// changelog in, the version's section out, or exit 1 with a message naming it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { ROOT } from '../../support/action-runner.js';

const CHANGELOG = `# Changelog

## [Unreleased]

### Added
- Next thing.

## [1.2.0] - 2026-12-01

### Added
- A feature.

### Fixed
- A bug (#12).

## [1.1.0-rc.1] - 2026-11-01
- A candidate.

## [1.0.0] - 2026-10-01
- First.

## [0.9.0] - 2026-09-01

[1.2.0]: https://example.invalid/compare/v1.1.0...v1.2.0
`;

const dir = mkdtempSync(path.join(os.tmpdir(), 'release-notes-'));
const file = path.join(dir, 'CHANGELOG.md');
writeFileSync(file, CHANGELOG);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(tag: string) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'release-notes.mjs'), tag, file], {
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test.each([
  [1, 'v1.2.0', '### Added\n- A feature.\n\n### Fixed\n- A bug (#12).\n'],
  [2, '1.2.0', '### Added\n- A feature.\n\n### Fixed\n- A bug (#12).\n'],
  [3, 'v1.1.0-rc.1', '- A candidate.\n'],
  [4, 'v1.0.0', '- First.\n'],
])('%i: %s prints its section', (_n, tag, notes) => {
  expect(run(tag)).toEqual({ code: 0, out: notes, err: '' });
});

test.each([
  [1, 'v1', "Tag 'v1' is not a release tag"],
  [2, 'v1.2.0.1', "Tag 'v1.2.0.1' is not a release tag"],
  [3, 'v1.3.0', "CHANGELOG.md has no section for 1.3.0: add '## [1.3.0] - YYYY-MM-DD'"],
  [4, 'v1.2', 'is not a release tag'],
  [5, 'v0.9.0', "CHANGELOG.md's section for 0.9.0 is empty"],
  [6, 'v1.2.00', 'no section for 1.2.00'],
])('%i: %s fails naming why', (_n, tag, message) => {
  const r = run(tag);
  expect(r.code).toBe(1);
  expect(r.out).toBe('');
  expect(r.err).toContain(message);
});

test("the repository's CHANGELOG.md has an Unreleased section", () => {
  expect(readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8')).toMatch(/^## \[Unreleased\]$/m);
});
