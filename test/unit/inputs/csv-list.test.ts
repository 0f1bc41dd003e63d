// build-push-action's CSV list syntax, as docker/actions-toolkit's getList
// (csv-parse, relaxed quotes, ignoreComma) reads 'secrets'; rows from its docs.
import { expect, test } from 'vitest';
import { CsvListError, parseCsvList } from '../../../src/inputs/csv-list.js';

test.each([
  [1, '', []],
  [2, 'A=1\nB=2', ['A=1', 'B=2']],
  [3, 'GIT_AUTH_TOKEN=abcdefghi,jklmno=0123456789', ['GIT_AUTH_TOKEN=abcdefghi,jklmno=0123456789']],
  [
    4,
    '"MYSECRET=aaaaaaaa\nbbbbbbb\nccccccccc"\nFOO=bar',
    ['MYSECRET=aaaaaaaa\nbbbbbbb\nccccccccc', 'FOO=bar'],
  ],
  [5, '"EMPTYLINE=aaaa\n\nbbbb\nccc"', ['EMPTYLINE=aaaa\n\nbbbb\nccc']],
  [
    6,
    '"JSON_SECRET={""key1"":""value1"",""key2"":""value2""}"',
    ['JSON_SECRET={"key1":"value1","key2":"value2"}'],
  ],
  [7, 'A=say "hi"\n\n\nB=x', ['A=say "hi"', 'B=x']],
  [8, 'A=1\r\nB=2\r\n', ['A=1', 'B=2']],
  [9, 'A= spaced ', ['A= spaced ']],
])('%i: %j', (_n, value, expected) => {
  expect(parseCsvList(value)).toEqual(expected);
});

test.each([
  [1, '"A=never closed\nB=2', /a quote is not closed/],
  [2, '"A=1"x', /a closing quote is followed by 'x'/],
])('%i: refuses %j', (_n, value, message) => {
  expect(() => parseCsvList(value)).toThrow(CsvListError);
  expect(() => parseCsvList(value)).toThrow(message);
});
