import { expect, test } from 'vitest';
import { hostInterpreter, interpreterCopies } from '../../../../src/build-mode/hub/qemu-files.js';

const df = (...lines: string[]) => lines.join('\n');

test.each([
  [
    1,
    "the template's line: a file of the context into /usr/bin/",
    df('FROM scratch', 'COPY qemu-aarch64-static /usr/bin/', 'RUN true'),
    'aarch64',
    [{ path: 'qemu-aarch64-static', qemu: 'aarch64', dest: '/usr/bin/qemu-aarch64-static' }],
  ],
  [
    2,
    'ADD with a full destination and --chmod',
    df('FROM scratch', 'ADD --chmod=755 ./qemu-arm-static /usr/bin/qemu-arm-static'),
    'arm',
    [{ path: 'qemu-arm-static', qemu: 'arm', dest: '/usr/bin/qemu-arm-static' }],
  ],
  [
    3,
    "a glob names the platform's interpreter",
    df('FROM scratch', 'COPY qemu-*-static /usr/bin/'),
    's390x',
    [{ path: 'qemu-s390x-static', qemu: 's390x', dest: '/usr/bin/qemu-s390x-static' }],
  ],
  [
    4,
    'in a subdirectory; a relative destination is not said',
    df('FROM scratch', 'COPY qemu/qemu-ppc64le-static* bin/'),
    'ppc64le',
    [{ path: 'qemu/qemu-ppc64le-static', qemu: 'ppc64le' }],
  ],
  [
    5,
    "another architecture's interpreter is that one's",
    df('FROM scratch', 'COPY qemu-arm-static /usr/bin/'),
    'aarch64',
    [{ path: 'qemu-arm-static', qemu: 'arm', dest: '/usr/bin/qemu-arm-static' }],
  ],
])('%i: %s', (_n, _name, text, qemu, files) => {
  const copies = interpreterCopies(text, qemu);
  expect(copies).toHaveLength(1);
  expect(copies[0]?.files).toEqual(files);
  expect(copies[0]?.line).toBe(text.split('\n')[1]);
});

test.each([
  [1, 'from a stage', 'COPY --from=qemu /usr/bin/qemu-aarch64-static /usr/bin/'],
  [2, 'from an image', 'COPY --from=multiarch/qemu-user-static /usr/bin/qemu-aarch64-static /usr/bin/'],
  [3, 'a download', 'ADD https://example.com/x86_64_qemu-aarch64-static /usr/bin/qemu-aarch64-static'],
  [4, 'with another file', 'COPY qemu-aarch64-static app /usr/bin/'],
  [5, 'outside the context', 'COPY ../qemu-aarch64-static /usr/bin/'],
  [6, "a glob that does not match the platform's", 'COPY qemu-arm*-static /usr/bin/'],
  [7, 'not QEMU', 'COPY busybox /bin/busybox'],
])('not a copy of the context: %i %s', (_n, _name, line) => {
  expect(interpreterCopies(`FROM scratch\n${line}\n`, 'aarch64')).toEqual([]);
});

test.each([
  [1, 'the registered interpreter first', ['/usr/bin/qemu-aarch64-static', '/opt/q'], '/opt/q'],
  [2, "else the host's static one", ['/usr/bin/qemu-aarch64-static'], '/usr/bin/qemu-aarch64-static'],
  [3, 'none', [] as string[], undefined],
])('host interpreter %i: %s', (_n, _name, present, want) => {
  const exists = (f: string) => present.includes(f);
  expect(hostInterpreter('aarch64', { qemu: 'aarch64', interpreter: '/opt/q' }, exists)).toBe(want);
  // Another QEMU than the registration's: only /usr/bin.
  expect(hostInterpreter('arm', { qemu: 'aarch64', interpreter: '/opt/q' }, () => true)).toBe(
    '/usr/bin/qemu-arm-static',
  );
});
