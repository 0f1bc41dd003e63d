// Workflow commands as a terminal shows them, masks applied to what follows,
// and the file commands read back as the runner reads them.
import { describe, expect, test } from 'vitest';
import { parseFileCommands } from '../../../src/cli/file-commands.js';
import { translateChunk, translateLine, type TerminalState } from '../../../src/cli/terminal.js';

const quiet = (): TerminalState => ({ verbose: false, masks: [] });

describe('translateLine', () => {
  test.each([
    [1, '::group::Building linux/arm64', '== Building linux/arm64'],
    [2, '::endgroup::', undefined],
    [3, '::debug::a detail', undefined],
    [4, '::warning::Input ignored', 'warning: Input ignored'],
    [5, '::error::Cannot push%0Asecond line %25', 'error: Cannot push\nsecond line %'],
    [6, '::error title=x,file=y::Failed', 'error: Failed'],
    [7, '::notice::Note', 'notice: Note'],
    [8, 'plain line', 'plain line'],
    [9, '#8 pushing layer 2.56kB', '#8 pushing layer 2.56kB'],
    [10, '::stop-commands::tok', '::stop-commands::tok'],
    [11, '', ''],
  ])('%i: %j', (_n, line, shown) => {
    expect(translateLine(line, quiet())).toBe(shown);
  });

  test('debug lines are shown with --verbose', () => {
    expect(translateLine('::debug::a detail', { verbose: true, masks: [] })).toBe('debug: a detail');
  });
});

describe('translateChunk', () => {
  test.each([
    [1, '::group::A\nx\n::endgroup::\n', '== A\nx\n'],
    [2, '::add-mask::s3cr3t\nlogin s3cr3t ok\n', 'login *** ok\n'],
    [3, 'partial', 'partial'],
    [4, '::debug::d\n', ''],
  ])('%i: %j', (_n, chunk, shown) => {
    expect(translateChunk(chunk, quiet())).toBe(shown);
  });

  test('a mask hides the value in every later chunk', () => {
    const state = quiet();
    translateChunk('::add-mask::p%25w\n', state);
    expect(translateChunk('password p%w and p%w\n', state)).toBe('password *** and ***\n');
  });
});

test.each([
  [1, 'digest<<ghadelimiter_1\nsha256:ab\nghadelimiter_1\n', { digest: 'sha256:ab' }],
  [2, 'm<<D\n{\n "a": 1\n}\nD\nn<<E\nx\nE\n', { m: '{\n "a": 1\n}', n: 'x' }],
  [3, 'old=value=with=equals\n', { old: 'value=with=equals' }],
  [4, 's<<D\n1\nD\ns<<D\n2\nD\n', { s: '2' }],
  [5, '', {}],
])('%i: parseFileCommands %j', (_n, text, values) => {
  expect(parseFileCommands(text)).toEqual(values);
});
