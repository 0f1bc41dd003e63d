// Prints one line per vitest JSON report given ("unit: ...", "itg-docker26: ...")
// and one plain closing line over all of them: "tests: N passed, N failed, N skipped".
// A report that is missing (its run crashed before writing it) is named and fails.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const total = { passed: 0, failed: 0, skipped: 0 };
const line = (c) => `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;
let missing = 0;
for (const file of process.argv.slice(2)) {
  const name = path.basename(file, '.json');
  if (!existsSync(file)) {
    console.log(`${name}: no report (the run did not finish)`);
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
  console.log(`${name}: ${line(c)}`);
}
console.log(`tests: ${line(total)}`);
if (missing) process.exitCode = 1;
