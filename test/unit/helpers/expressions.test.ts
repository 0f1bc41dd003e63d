// The examples' expression evaluator (test/helpers/expressions.ts) against
// what the runner answers for the same expressions (GitHub's documented
// semantics: `&&`/`||` yield an operand, strings compare case-insensitively,
// null writes as '').
import { describe, expect, test } from 'vitest';
import { evaluate, interpolate, type Contexts } from '../../helpers/expressions.js';

const ctx: Contexts = {
  github: {
    event_name: 'pull_request',
    repository: 'acme/demo',
    ref: 'refs/tags/v1.2.3',
    event: { pull_request: { number: 42 } },
  },
  steps: { meta: { outputs: { tags: 'a:1\na:2', json: '{"tags":["a:1","a:2"]}' } } },
  secrets: { GITHUB_TOKEN: 'ghs_x' },
  empty: null,
};

describe('evaluate', () => {
  test.each([
    [1, "github.event_name != 'pull_request'", false],
    [2, "github.event_name == 'PULL_REQUEST'", true],
    [3, "github.event_name != 'pull_request' && 'type=registry' || ''", ''],
    [4, "github.event_name == 'pull_request' && 'type=registry' || ''", 'type=registry'],
    [5, "startsWith(github.ref, 'refs/tags/v')", true],
    [6, "!startsWith(github.ref, 'refs/heads/')", true],
    [7, "format('ghcr.io/{0}:{1}', github.repository, 'buildcache')", 'ghcr.io/acme/demo:buildcache'],
    [8, "github['repository']", 'acme/demo'],
    [9, 'github.event.pull_request.number', 42],
    [10, 'fromJSON(steps.meta.outputs.json).tags[1]', 'a:2'],
    [11, "contains(fromJSON(steps.meta.outputs.json).tags, 'A:1')", true],
    [12, "'it''s'", "it's"],
    [13, 'empty || 7', 7],
    [14, '(1 == 1) && !false', true],
  ])('row %i: %s', (_row, expression, expected) => {
    expect(evaluate(expression, ctx)).toEqual(expected);
  });

  test.each([
    ['vars.X', "context 'vars'"],
    ['steps.build.outputs.digest', 'steps.build'],
    ['steps.meta.outputs.version', 'steps.meta.outputs.version'],
    ["nope('x')", 'nope()'],
    ['github.event_name ==', 'ends early'],
  ])('%s is an error naming %s', (expression, named) => {
    expect(() => evaluate(expression, ctx)).toThrow(named);
  });
});

test('interpolate fills every ${{ }} of a multi-line value, null as empty', () => {
  expect(
    interpolate(
      "TAGS=${{ steps.meta.outputs.tags }}\nPUSH=${{ github.event_name != 'pull_request' }}\nX=${{ empty }}",
      ctx,
    ),
  ).toBe('TAGS=a:1\na:2\nPUSH=false\nX=');
});
