#!/usr/bin/env node
// Entry only: the action's pipeline from a terminal (flags named as the
// inputs); bundled to dist/cli.js, which reads the action.yml beside dist/.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './cli/run.js';

// Built at run time, so the bundler does not copy action.yml into dist/: the
// one action.yml of the checkout or package is where the defaults live.
const actionYml = join(dirname(fileURLToPath(import.meta.url)), '..', ['action', 'yml'].join('.'));

void runCli(process.argv.slice(2), actionYml).then((code) => process.exit(code));
