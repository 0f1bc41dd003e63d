// `--help` of the command line lists every input of action.yml as a flag,
// with its default, from action.yml itself.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect, test } from 'vitest';
import { parse } from 'yaml';
import { readActionInputs } from '../../src/cli/action-yml.js';
import { helpText } from '../../src/cli/help.js';
import { ROOT } from '../../support/action-runner.js';

const file = path.join(ROOT, 'action.yml');
const action = parse(readFileSync(file, 'utf8')) as { inputs: Record<string, { default?: string }> };
const help = helpText(readActionInputs(file));

test.each(Object.entries(action.inputs))("--help lists '--%s' with its default", (name, spec) => {
  const line = help.split('\n').find((l) => l === `  --${name}` || l.startsWith(`  --${name} (`));
  expect(line, `--${name}`).toBeDefined();
  if (spec.default !== undefined && String(spec.default) !== '')
    expect(line).toBe(`  --${name} (default: ${String(spec.default)})`);
});
