// The 'metadata' output in buildx's --metadata-file shape.
import { expect, test } from 'vitest';
import { buildxMetadata } from '../../../src/publish/buildx-metadata.js';
import { serializeIndex } from '../../../src/oci/index.js';

const index = serializeIndex([
  { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:' + 'a'.repeat(64), size: 10 },
]);

test('several platforms: the index, the tags, the first build ref, no config digest', () => {
  expect(
    buildxMetadata(index, ['r/a:1', 'r/a:latest'], ['sha256:c1', 'sha256:c2'], ['b/b0/x', 'b/b0/y']),
  ).toEqual({
    'containerimage.descriptor': {
      mediaType: index.mediaType,
      digest: index.digest,
      size: index.bytes.length,
    },
    'containerimage.digest': index.digest,
    'image.name': 'r/a:1,r/a:latest',
    'buildx.build.ref': 'b/b0/x',
  });
});

test('one platform: its config digest too; no tags, no image.name', () => {
  const m = buildxMetadata(index, [], ['sha256:c1'], []);
  expect(m['containerimage.config.digest']).toBe('sha256:c1');
  expect(buildxMetadata(index, ['r/a:1'], ['sha256:c1'], [])).toHaveProperty(['image.name'], 'r/a:1');
  expect(m).not.toHaveProperty(['image.name']);
  expect(m).not.toHaveProperty(['buildx.build.ref']);
});
