import { expect, test } from 'vitest';
import { evaluateWord, splitWords, Unevaluable } from '../../../../src/build-mode/hub/shell-word.js';

const scope = {
  vars: {
    SOURCE_BRANCH: 'v1.2.0',
    SOURCE_COMMIT: '0123456789abcdef0123456789abcdef01234567',
    IMAGE_NAME: 'index.docker.io/acme/app:latest',
    DOCKERFILE_PATH: 'Dockerfile',
    file: 'Dockerfile.arm64v8',
    EMPTY: '',
    BAD: new Unevaluable('$(uname -m)'),
  },
  now: new Date(Date.UTC(2026, 11, 5, 1, 2, 3)),
};

test.each<[number, string, string]>([
  [1, 'plain', 'plain'],
  [2, '"${SOURCE_BRANCH}"', 'v1.2.0'],
  [3, '$SOURCE_BRANCH-x', 'v1.2.0-x'],
  [4, '${SOURCE_BRANCH#v}', '1.2.0'],
  [5, '${file##*.}', 'arm64v8'],
  [6, '${file#*.}', 'arm64v8'],
  [7, '${IMAGE_NAME%:*}', 'index.docker.io/acme/app'],
  [8, '${IMAGE_NAME%%.*}', 'index'],
  [9, '${SOURCE_COMMIT:0:7}', '0123456'],
  [10, '${UNSET:-fallback}', 'fallback'],
  [11, '${EMPTY:-fallback}', 'fallback'],
  [12, '${EMPTY-fallback}', ''],
  [13, '$(date -u +"%Y-%m-%dT%H:%M:%SZ")', '2026-12-05T01:02:03Z'],
  [14, '`date -u +%F`', '2026-12-05'],
  [15, '$(git rev-parse --short HEAD)', '0123456'],
  [16, '$(git rev-parse HEAD)', '0123456789abcdef0123456789abcdef01234567'],
  [17, '\'$NOT\'"$SOURCE_BRANCH"', '$NOTv1.2.0'],
  [18, '${file#${DOCKERFILE_PATH}.}', 'arm64v8'],
  [19, '${SOURCE_BRANCH/./-}', 'v1-2.0'],
  [20, '${SOURCE_BRANCH//./-}', 'v1-2-0'],
  [21, '${SOURCE_BRANCH^^}', 'V1.2.0'],
  [22, '$UNSET', ''],
  [23, 'VERSION="${SOURCE_BRANCH#v}"', 'VERSION=1.2.0'],
  [24, '$(git rev-parse --short=10 HEAD)', '0123456789'],
])('%i: %s', (_n, word, want) => {
  expect(evaluateWord(word, scope)).toBe(want);
});

test.each<[number, string, string]>([
  [1, '$(uname -m)', '$(uname -m)'],
  [2, '$BAD', '$(uname -m)'],
  [3, '$(date +%N)', "date's %N"],
  [4, '${#SOURCE_BRANCH}', '${#SOURCE_BRANCH}'],
  [5, '$1', '$1'],
  [6, '$(git describe --tags)', '$(git describe --tags)'],
  [7, '$(cat VERSION)', '$(cat VERSION)'],
])('%i: refuses %s, naming %s', (_n, word, part) => {
  expect(() => evaluateWord(word, scope)).toThrow(Unevaluable);
  try {
    evaluateWord(word, scope);
  } catch (err) {
    expect((err as Unevaluable).part).toBe(part);
  }
});

test.each<[number, string, string[]]>([
  [1, 'docker build -f "$F" -t x .', ['docker', 'build', '-f', '"$F"', '-t', 'x', '.']],
  [2, 'A=$(date -u +"%Y %m") B', ['A=$(date -u +"%Y %m")', 'B']],
  [3, '--build-arg "X=${A:-a b}" .', ['--build-arg', '"X=${A:-a b}"', '.']],
  [4, 'echo \'a b\' "c $(x "y z")"', ['echo', "'a b'", '"c $(x "y z")"']],
])('%i: splits %s', (_n, line, want) => {
  expect(splitWords(line)).toEqual(want);
});
