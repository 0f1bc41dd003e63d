import { expect, test } from 'vitest';
import { stripQemuLines } from '../../../../src/build-mode/hub/qemu-stage.js';

const df = (...lines: string[]) => lines.join('\n');

test.each([
  [
    1,
    df(
      'FROM multiarch/qemu-user-static:x86_64-aarch64 AS qemu',
      '',
      'FROM arm64v8/alpine',
      'COPY --from=qemu /usr/bin/qemu-aarch64-static /usr/bin/',
      'RUN apk add curl',
    ),
    [
      'FROM multiarch/qemu-user-static:x86_64-aarch64 AS qemu',
      'COPY --from=qemu /usr/bin/qemu-aarch64-static /usr/bin/',
    ],
  ],
  [
    2,
    df('FROM arm32v7/alpine', 'COPY qemu-arm-static /usr/bin/', 'RUN true'),
    ['COPY qemu-arm-static /usr/bin/'],
  ],
  [
    3,
    df(
      'FROM arm64v8/alpine',
      'COPY --from=multiarch/qemu-user-static:x86_64-aarch64 /usr/bin/qemu-* /usr/bin/',
    ),
    ['COPY --from=multiarch/qemu-user-static:x86_64-aarch64 /usr/bin/qemu-* /usr/bin/'],
  ],
  [
    4,
    df(
      'FROM arm64v8/alpine',
      'COPY --from=multiarch/qemu-user-static /usr/bin/qemu-aarch64-static /usr/bin/',
    ),
    ['COPY --from=multiarch/qemu-user-static /usr/bin/qemu-aarch64-static /usr/bin/'],
  ],
  [
    5,
    df(
      'FROM multiarch/qemu-user-static AS q',
      'FROM alpine',
      'COPY --from=q /usr/bin/qemu-arm-static /usr/bin/',
      'COPY --from=q /etc/x /etc/x',
    ),
    ['COPY --from=q /usr/bin/qemu-arm-static /usr/bin/'],
  ],
  [6, df('FROM alpine', 'COPY app /app'), []],
  [7, df('FROM multiarch/qemu-user-static AS q', 'RUN echo used', 'FROM alpine'), []],
])('%i: the lines only there for a QEMU interpreter', (_n, text, removed) => {
  const out = stripQemuLines(text);
  expect(out.removed).toEqual(removed);
  for (const line of removed) expect(out.text).not.toContain(line);
  expect(out.text.split('\n')).toHaveLength(text.split('\n').length - removed.length);
});
