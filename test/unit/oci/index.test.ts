import { describe, expect, test } from 'vitest';
import { chooseIndexMediaType, formatProblem, serializeIndex } from '../../../src/oci/index.js';
import { isAttestation, keepEntry } from '../../../src/oci/attestations.js';
import { platformKey, platformFromConfig } from '../../../src/oci/platform-of.js';
import { sha256Digest } from '../../../src/oci/digest.js';
import { DOCKER_LIST, DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST } from '../../../src/oci/media-types.js';
import type { Descriptor } from '../../../src/oci/types.js';

const d = (mediaType: string, n: number, extra: Partial<Descriptor> = {}): Descriptor => ({
  mediaType,
  digest: `sha256:${String(n).repeat(64).slice(0, 64)}`,
  size: 100 + n,
  ...extra,
});

describe('index merge', () => {
  test.each([
    [1, [DOCKER_MANIFEST, DOCKER_MANIFEST], 'auto', DOCKER_LIST],
    [2, [OCI_MANIFEST, OCI_MANIFEST], 'auto', OCI_INDEX],
    [3, [DOCKER_MANIFEST, OCI_MANIFEST], 'auto', OCI_INDEX],
    [4, [DOCKER_MANIFEST], 'oci', OCI_INDEX],
    [5, [OCI_MANIFEST], 'docker', DOCKER_LIST],
  ] as const)('%i: %j as %s -> %s', (_n, types, format, expected) => {
    expect(
      chooseIndexMediaType(
        types.map((t, i) => d(t, i + 1)),
        format,
      ),
    ).toBe(expected);
  });

  test('bytes and digest agree, entries keep their order and platform', () => {
    const entries = [
      d(DOCKER_MANIFEST, 1, { platform: { os: 'linux', architecture: 'amd64' } }),
      d(DOCKER_MANIFEST, 2, { platform: { os: 'linux', architecture: 'arm', variant: 'v7' } }),
    ];
    const merged = serializeIndex(entries);
    expect(merged.digest).toBe(sha256Digest(merged.bytes));
    const parsed = JSON.parse(merged.bytes.toString()) as { mediaType: string; manifests: Descriptor[] };
    expect(parsed.mediaType).toBe(DOCKER_LIST);
    expect(parsed.manifests).toEqual(entries);
  });

  test('the same entries always give the same digest', () => {
    const entries = [d(OCI_MANIFEST, 3)];
    expect(serializeIndex(entries).digest).toBe(serializeIndex(entries).digest);
  });

  test('annotations go on the index', () => {
    const merged = serializeIndex([d(OCI_MANIFEST, 1)], {
      annotations: { 'org.opencontainers.image.description': 'hello' },
    });
    expect(JSON.parse(merged.bytes.toString())).toMatchObject({
      annotations: { 'org.opencontainers.image.description': 'hello' },
    });
  });

  test('refuses empty and duplicate entries', () => {
    expect(() => serializeIndex([])).toThrow(/without entries/);
    expect(() => serializeIndex([d(OCI_MANIFEST, 1), d(OCI_MANIFEST, 1)])).toThrow(/twice/);
  });

  test.each([
    [1, { os: 'linux', architecture: 'arm64' }, { os: 'linux', architecture: 'arm64' }],
    [
      2,
      { os: 'linux', architecture: 'arm', variant: 'v7' },
      { os: 'linux', architecture: 'arm', variant: 'v7' },
    ],
    [
      3,
      { os: 'windows', architecture: 'amd64', 'os.version': '10.0.20348.1' },
      { os: 'windows', architecture: 'amd64', 'os.version': '10.0.20348.1' },
    ],
  ])('%i: platform from config %j', (_n, config, expected) => {
    expect(platformFromConfig(config)).toEqual(expected);
  });

  test('a config without architecture is an error', () => {
    expect(() => platformFromConfig({ os: 'linux' })).toThrow(/no os\/architecture/);
  });

  test('attestation manifests are recognised by their annotation', () => {
    expect(
      isAttestation(
        d(OCI_MANIFEST, 1, { annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } }),
      ),
    ).toBe(true);
    expect(isAttestation(d(OCI_MANIFEST, 1))).toBe(false);
  });
});

describe('entries', () => {
  const att = d(OCI_MANIFEST, 7, {
    platform: { os: 'unknown', architecture: 'unknown' },
    annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': 'x' },
  });

  test.each([
    [1, { os: 'linux', architecture: 'amd64' }, 'linux/amd64'],
    [2, { os: 'linux', architecture: 'arm', variant: 'v7' }, 'linux/arm/v7'],
    [3, { os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763.1' }, 'windows/amd64:10.0.17763.1'],
    [4, undefined, 'unknown'],
  ])('%i: platform key of %j is %s', (_n, platform, expected) => {
    expect(platformKey(platform)).toBe(expected);
  });

  test.each([
    [1, 'keep', true, true],
    [2, 'strip', true, false],
    [3, 'strip', false, true],
  ] as const)('%i: attestations %s, attestation? %s -> kept %s', (_n, mode, isAtt, expected) => {
    expect(keepEntry(isAtt ? att : d(OCI_MANIFEST, 1), mode)).toBe(expected);
  });

  test.each([
    [1, 'auto', [DOCKER_MANIFEST, OCI_MANIFEST], undefined],
    [2, 'oci', [DOCKER_MANIFEST], undefined],
    [3, 'docker', [DOCKER_MANIFEST, DOCKER_MANIFEST], undefined],
    [
      4,
      'docker',
      [DOCKER_MANIFEST, OCI_MANIFEST],
      /docker, but 1 entry is not Docker schema 2.*Use index-format: auto or oci/,
    ],
  ] as const)('%i: index-format %s with %j', (_n, format, types, expected) => {
    const problem = formatProblem(
      types.map((t, i) => d(t, i + 1)),
      format,
    );
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });

  test('an attestation in a docker list is named with the fix', () => {
    expect(formatProblem([d(DOCKER_MANIFEST, 1), att], 'docker')).toMatch(/set attestations: strip/);
  });
});
