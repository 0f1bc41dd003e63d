// action.yml's inputs for the command line: names, defaults and descriptions,
// read from the action.yml next to dist/ (the one place defaults live).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface InputSpec {
  name: string;
  description: string;
  default: string;
}

interface ActionYml {
  inputs?: Record<string, { description?: string; default?: string | boolean | number }>;
}

/** The inputs in action.yml's order, defaults as the runner passes them (strings). */
export function parseActionInputs(text: string): InputSpec[] {
  const yml = parse(text) as ActionYml;
  return Object.entries(yml.inputs ?? {}).map(([name, spec]) => ({
    name,
    description: (spec.description ?? '').trim(),
    default: spec.default === undefined ? '' : String(spec.default),
  }));
}

export function readActionInputs(file: string): InputSpec[] {
  return parseActionInputs(readFileSync(file, 'utf8'));
}
