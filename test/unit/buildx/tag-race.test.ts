import { describe, expect, test } from 'vitest';
import { tagRaceIn } from '../../../src/buildx/tag-race.js';

const REF = '127.0.0.1:41234/build:shared';

describe('tagRaceIn', () => {
  test.each([
    [
      'HEAD of the tag',
      'unexpected status from HEAD request to http://127.0.0.1:41234/v2/build/manifests/shared: 500 Internal Server Error',
    ],
    [
      'PUT of the tag',
      '#6 ERROR: unexpected status from PUT request to http://127.0.0.1:41234/v2/build/manifests/shared: 500 Internal Server Error',
    ],
    [
      'HEAD by digest',
      'unexpected status from HEAD request to http://127.0.0.1:41234/v2/build/manifests/sha256:ab12: 500 Internal Server Error',
    ],
    [
      'inside rawjson',
      '{"vertexes":[{"error":"unexpected status from HEAD request to http://127.0.0.1:41234/v2/build/manifests/shared: 500 Internal Server Error"}]}',
    ],
  ])('recognises a 500 to a manifest request on the local repository: %s', (_name, output) => {
    expect(tagRaceIn(`#5 exporting\n${output}\n`, REF)).toMatch(/manifests\/\S+: 500 Internal Server Error$/);
  });

  test.each([
    [
      'a blob upload',
      'unexpected status from PUT request to http://127.0.0.1:41234/v2/build/blobs/uploads/x: 500 Internal Server Error',
    ],
    [
      'another registry',
      'unexpected status from HEAD request to http://127.0.0.1:5000/v2/build/manifests/shared: 500 Internal Server Error',
    ],
    [
      'another repository',
      'unexpected status from HEAD request to http://127.0.0.1:41234/v2/other/manifests/shared: 500 Internal Server Error',
    ],
    [
      'a 503',
      'unexpected status from HEAD request to http://127.0.0.1:41234/v2/build/manifests/shared: 503 Service Unavailable',
    ],
    ['a build step', 'process "/bin/sh -c make" did not complete successfully: exit code: 2'],
  ])('leaves any other failure to the build: %s', (_name, output) => {
    expect(tagRaceIn(output, REF)).toBeUndefined();
  });

  test('takes the repository from a reference with a nested path and a digest', () => {
    const line =
      'unexpected status from HEAD request to http://127.0.0.1:41234/v2/a/b/manifests/t: 500 Internal Server Error';
    expect(tagRaceIn(line, '127.0.0.1:41234/a/b:t@sha256:00')).toBe(line);
    expect(tagRaceIn(line, 'no-registry')).toBeUndefined();
  });
});
