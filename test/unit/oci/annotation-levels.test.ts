// Annotations by level onto the index's entries, and buildx's --annotation values.
import { expect, test } from 'vitest';
import {
  annotateEntries,
  annotationsAt,
  manifestAnnotationArgs,
  type Annotation,
} from '../../../src/oci/annotation-levels.js';
import type { Descriptor } from '../../../src/oci/types.js';

const amd64: Descriptor = {
  mediaType: 'm',
  digest: 'sha256:1',
  size: 1,
  platform: { os: 'linux', architecture: 'amd64' },
};
const arm64: Descriptor = {
  mediaType: 'm',
  digest: 'sha256:2',
  size: 1,
  platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
  annotations: { kept: 'yes' },
};
const attestation: Descriptor = {
  mediaType: 'm',
  digest: 'sha256:3',
  size: 1,
  platform: { os: 'unknown', architecture: 'unknown' },
  annotations: {
    'vnd.docker.reference.type': 'attestation-manifest',
    'vnd.docker.reference.digest': 'sha256:1',
  },
};
const all: Annotation[] = [
  { level: 'index', key: 'i', value: '1' },
  { level: 'manifest', key: 'm', value: '2' },
  { level: 'manifest', platform: 'linux/arm64', key: 'ma', value: '3' },
  { level: 'manifest-descriptor', key: 'd', value: '4' },
  { level: 'manifest-descriptor', platform: 'linux/arm64', key: 'da', value: '5' },
];

test('manifest-descriptor annotations go on each image entry (a platform narrows), never on attestations', () => {
  expect(annotateEntries([amd64, arm64, attestation], all)).toEqual([
    { ...amd64, annotations: { d: '4' } },
    { ...arm64, annotations: { kept: 'yes', d: '4', da: '5' } },
    attestation,
  ]);
});

test('without manifest-descriptor annotations the entries are unchanged', () => {
  expect(annotateEntries([amd64], [{ level: 'index', key: 'i', value: '1' }])).toEqual([amd64]);
});

test('buildx --annotation values: the manifest level only, with its platform', () => {
  expect(manifestAnnotationArgs(all)).toEqual(['manifest:m=2', 'manifest[linux/arm64]:ma=3']);
});

test('one level as a map', () => {
  expect(annotationsAt(all, 'index')).toEqual({ i: '1' });
});
