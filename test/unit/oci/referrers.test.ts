// The referrers formats (pure): fallback tag names, reading a referrers list
// (what the API answers and the sha256-<hex> tag holds), merging a tag index,
// and what kind of artifact a referrer is for the summary.
import { describe, expect, test } from 'vitest';
import {
  fallbackTag,
  mergeReferrers,
  parseReferrersIndex,
  referrerDescriptor,
  referrerKind,
  referrersIndexBytes,
  subjectOf,
  type ReferrerManifest,
} from '../../../src/oci/referrers.js';
import { nextLink } from '../../../src/registry/referrers-api.js';

const HEX = 'a'.repeat(64);
const D = `sha256:${HEX}`;
const E = `sha256:${'b'.repeat(64)}`;
const M = 'application/vnd.oci.image.manifest.v1+json';

describe('fallback tags', () => {
  test.each([
    [1, undefined, `sha256-${HEX}`],
    [2, 'sig', `sha256-${HEX}.sig`],
    [3, 'att', `sha256-${HEX}.att`],
    [4, 'sbom', `sha256-${HEX}.sbom`],
  ] as const)('%i: %s', (_n, suffix, tag) => {
    expect(fallbackTag(D, suffix)).toBe(tag);
  });

  test('5: a digest that is not one is refused (it would become a tag and a URL path)', () => {
    expect(() => fallbackTag('sha256:../../x', 'sig')).toThrow(/not sha256:<64 hex digits>/);
  });
});

describe('parseReferrersIndex', () => {
  const list = (manifests: unknown) => Buffer.from(JSON.stringify({ schemaVersion: 2, manifests }));

  test('1: entries come back with their artifactType and annotations', () => {
    const entry = { mediaType: M, digest: D, size: 10, artifactType: 'x/y', annotations: { a: 'b' } };
    expect(parseReferrersIndex(list([entry]), 'list')).toEqual([entry]);
  });

  test.each([
    [2, 'not JSON', Buffer.from('{'), /is not JSON/],
    [3, 'no manifests', Buffer.from('{}'), /no manifests list/],
    [4, 'a bad digest', list([{ mediaType: M, digest: 'sha256:x', size: 1 }]), /not sha256/],
    [5, 'no size', list([{ mediaType: M, digest: D }]), /no media type or size/],
    [6, 'a negative size', list([{ mediaType: M, digest: D, size: -1 }]), /no media type or size/],
    [7, 'no media type', list([{ digest: D, size: 1 }]), /no media type or size/],
  ])('%i: %s is refused', (_n, _what, bytes, error) => {
    expect(() => parseReferrersIndex(bytes, 'list')).toThrow(error);
  });

  test('8: a tag index written here reads back the same', () => {
    const entries = [{ mediaType: M, digest: D, size: 3, artifactType: 'a/b' }];
    const bytes = referrersIndexBytes(entries);
    expect((JSON.parse(bytes.toString()) as { mediaType: string }).mediaType).toBe(
      'application/vnd.oci.image.index.v1+json',
    );
    expect(parseReferrersIndex(bytes, 'tag')).toEqual(entries);
  });
});

describe('mergeReferrers', () => {
  const a = { mediaType: M, digest: D, size: 1 };
  const b = { mediaType: M, digest: E, size: 2 };
  test.each([
    [1, 'new entries are appended', [a], [b], [a, b]],
    [2, 'nothing new: no write', [a, b], [b], undefined],
    [3, 'duplicates in what is added count once', [], [a, a], [a]],
  ])('%i: %s', (_n, _what, existing, added, merged) => {
    expect(mergeReferrers(existing, added)).toEqual(merged);
  });
});

describe('subjects and descriptors', () => {
  test('1: a subject that is not a digest is refused', () => {
    const m = { subject: { mediaType: M, digest: 'nope', size: 1 } } as ReferrerManifest;
    expect(() => subjectOf(m, 'x')).toThrow(/The subject of x holds the digest 'nope'/);
  });

  test('2: no subject (a cosign tag manifest)', () => {
    expect(subjectOf({}, 'x')).toBeUndefined();
  });

  test('3: the descriptor takes the config media type when there is no artifactType', () => {
    const m = {
      config: { mediaType: 'application/vnd.dev.cosign.artifact.sig.v1+json', digest: D, size: 2 },
    };
    const raw = { mediaType: M, digest: E, bytes: Buffer.from('1234') };
    expect(referrerDescriptor(m, raw)).toEqual({
      mediaType: M,
      digest: E,
      size: 4,
      artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
    });
  });
});

describe('referrerKind', () => {
  const layer = (mediaType: string, annotations?: Record<string, string>) => ({
    mediaType,
    digest: D,
    size: 1,
    ...(annotations && { annotations }),
  });
  test.each([
    [1, 'cosign .sig tag', {}, 'sig', 'signature'],
    [2, 'cosign .sbom tag', {}, 'sbom', 'sbom'],
    [
      3,
      'cosign .att with a SLSA predicate',
      {
        layers: [
          layer('application/vnd.dsse.envelope.v1+json', {
            predicateType: 'https://slsa.dev/provenance/v0.2',
          }),
        ],
      },
      'att',
      'provenance',
    ],
    [
      4,
      'cosign .att with an SPDX predicate',
      {
        layers: [
          layer('application/vnd.dsse.envelope.v1+json', { predicateType: 'https://spdx.dev/Document' }),
        ],
      },
      'att',
      'sbom',
    ],
    [
      5,
      'cosign .att with a custom predicate',
      { layers: [layer('application/vnd.dsse.envelope.v1+json', { predicateType: 'https://acme.test/x' })] },
      'att',
      'attestation',
    ],
    [
      6,
      'OCI 1.1 cosign signature',
      { artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' },
      undefined,
      'signature',
    ],
    [
      7,
      'sigstore bundle',
      { artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json' },
      undefined,
      'signature',
    ],
    [
      8,
      'notation signature',
      { artifactType: 'application/vnd.cncf.notary.signature' },
      undefined,
      'signature',
    ],
    [9, 'an SPDX SBOM by oras attach', { artifactType: 'application/spdx+json' }, undefined, 'sbom'],
    [10, 'a CycloneDX SBOM', { artifactType: 'application/vnd.cyclonedx+json' }, undefined, 'sbom'],
    [
      11,
      'an in-toto attestation',
      { artifactType: 'application/vnd.in-toto+json' },
      undefined,
      'attestation',
    ],
    [12, 'anything else', { artifactType: 'application/vnd.acme.readme' }, undefined, 'other'],
    [13, 'no type at all', {}, undefined, 'other'],
  ] as const)('%i: %s', (_n, _what, manifest, suffix, kind) => {
    expect(referrerKind(manifest as ReferrerManifest, suffix)).toBe(kind);
  });
});

describe('nextLink (referrers API pages)', () => {
  test.each([
    [1, '</v2/a/referrers/x?n=2>; rel="next"', '/v2/a/referrers/x?n=2'],
    [2, '<https://r.test/v2/a?last=b>; rel=next', 'https://r.test/v2/a?last=b'],
    [3, '</prev>; rel="prev", </next>; rel="next"', '/next'],
    [4, '</prev>; rel="prev"', undefined],
    [5, undefined, undefined],
  ])('%i: %s', (_n, header, next) => {
    expect(nextLink(header)).toBe(next);
  });
});
