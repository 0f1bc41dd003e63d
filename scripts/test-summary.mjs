// Prints, for every failed test in the vitest JSON reports given, its report,
// file, name and the first lines of its message; then one line per report
// ("unit: ...", "itg-docker26: ...") and one plain closing line over all of
// them: "tests: N passed, N failed, N skipped". It is the last thing CI
// prints, so a log that keeps only its tail still names what failed.
// A report that is missing (its run crashed before writing it) is named and fails.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const total = { passed: 0, failed: 0, skipped: 0 };
const line = (c) => `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;
// Colour codes and long messages are cut so the list stays readable.
const plain = (s) => s.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
const firstLines = (s) =>
  plain(s)
    .split('\n')
    .slice(0, 6)
    .map((l) => `    ${l.slice(0, 300)}`);

let missing = 0;
const counts = [];
const failures = [];
for (const file of process.argv.slice(2)) {
  const name = path.basename(file, '.json');
  if (!existsSync(file)) {
    counts.push(`${name}: no report (the run did not finish)`);
    missing++;
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const c = {
    passed: r.numPassedTests,
    failed: r.numFailedTests,
    skipped: r.numPendingTests + r.numTodoTests,
  };
  for (const k of Object.keys(total)) total[k] += c[k];
  counts.push(`${name}: ${line(c)}`);
  for (const suite of r.testResults ?? []) {
    const where = path.relative(process.cwd(), suite.name);
    const failed = (suite.assertionResults ?? []).filter((a) => a.status === 'failed');
    for (const a of failed) {
      failures.push(`${name} ${where} > ${a.fullName}`, ...firstLines((a.failureMessages ?? []).join('\n')));
    }
    if (!failed.length && suite.status === 'failed') {
      failures.push(
        `${name} ${where} (the file failed outside any test)`,
        ...firstLines(suite.message ?? ''),
      );
    }
  }
}
if (failures.length) console.log(['failed:', ...failures].join('\n'));
for (const c of counts) console.log(c);
console.log(`tests: ${line(total)}`);
if (missing) process.exitCode = 1;
