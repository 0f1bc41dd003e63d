// Flags named as action.yml's inputs: both spellings, bare booleans, repeated
// flags as lines, and errors that name the flag and the closest valid one.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseActionInputs } from '../../../src/cli/action-yml.js';
import { closestFlag, FlagError, parseFlags, withDefaults } from '../../../src/cli/flags.js';
import { ROOT } from '../../../support/action-runner.js';

const specs = parseActionInputs(readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));

describe('parseFlags', () => {
  test.each([
    [1, ['--platforms', 'linux/arm64'], { platforms: 'linux/arm64' }],
    [2, ['--platforms=linux/arm64'], { platforms: 'linux/arm64' }],
    [3, ['--push'], { push: 'true' }],
    [4, ['--push', '--tags', 'r/a:1'], { push: 'true', tags: 'r/a:1' }],
    [5, ['--push=false'], { push: 'false' }],
    [6, ['--push', 'false'], { push: 'false' }],
    [7, ['--build-args', 'A=1', '--build-args=B=2,3'], { 'build-args': 'A=1\nB=2,3' }],
    [8, ['--provenance', 'mode=max'], { provenance: 'mode=max' }],
    [9, ['--provenance'], { provenance: 'true' }],
    [10, ['--tags='], { tags: '' }],
    [11, ['--test-command', 'test -x /bin/sh && echo ok'], { 'test-command': 'test -x /bin/sh && echo ok' }],
    [12, ['--labels', 'a=b', '--labels', 'c=--d'], { labels: 'a=b\nc=--d' }],
    [13, [], {}],
  ])('%i: %j', (_n, argv, values) => {
    expect(parseFlags(argv, specs)).toEqual({ values, help: false, verbose: false });
  });

  test.each([
    [1, ['--help'], { help: true, verbose: false }],
    [2, ['--verbose', '--push'], { help: false, verbose: true }],
  ])('%i: own flags %j', (_n, argv, own) => {
    expect(parseFlags(argv, specs)).toMatchObject(own);
  });

  test.each([
    [
      1,
      ['--platfroms', 'x'],
      "Unknown flag '--platfroms': no input of that name. Did you mean '--platforms'?",
    ],
    [2, ['--tag', 'r/a:1'], "Did you mean '--tags'?"],
    [3, ['--buildargs=A=1'], "Did you mean '--build-args'?"],
    [4, ['--tags'], "Flag '--tags' needs a value"],
    [5, ['--tags', '--push'], "Flag '--tags' needs a value"],
    [6, ['linux/amd64'], "Unexpected argument 'linux/amd64'"],
    [7, ['--push', '--push'], "Flag '--push' is given twice"],
    [8, ['--help=yes'], "Flag '--help' takes no value"],
    [9, ['-p', 'x'], "Unexpected argument '-p'"],
    [10, ['--'], "Unexpected argument '--'"],
  ])('%i: %j is refused', (_n, argv, message) => {
    expect(() => parseFlags(argv, specs)).toThrow(FlagError);
    expect(() => parseFlags(argv, specs)).toThrow(message);
  });
});

test.each([
  [1, 'platfrom', 'platforms'],
  [2, 'verbos', 'verbose'],
  [3, 'qemu-img', 'qemu-image'],
  [4, 'registry', 'registry-url'],
])('%i: closestFlag(%s) is %s', (_n, name, closest) => {
  expect(closestFlag(name, [...specs.map((s) => s.name), 'help', 'verbose'])).toBe(closest);
});

test("withDefaults gives every input: the flag's value, else action.yml's default", () => {
  const all = withDefaults({ push: 'true', context: 'app' }, specs);
  expect(Object.keys(all)).toEqual(specs.map((s) => s.name));
  expect(all).toMatchObject({
    push: 'true',
    context: 'app',
    platforms: 'linux/amd64,linux/arm64',
    qemu: 'auto',
  });
});
