// Checksums pinned in the action's code against the checksum file a release
// (or its mirror) serves, with a table injected: the shipped one is empty
// until its values can be copied from the official release pages.
import { expect, test } from 'vitest';
import { ActionError } from '../../../src/errors.js';
import {
  expectedSha256,
  PINNED_CHECKSUMS,
  type PinnedChecksums,
} from '../../../src/releases/pinned-checksums.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const ASSET = 'registry_2.8.3_linux_amd64.tar.gz';
const TABLE: PinnedChecksums = { 'distribution-registry': { '2.8.3': { [ASSET]: A.toUpperCase() } } };
const release = {
  tool: 'distribution-registry',
  version: '2.8.3',
  asset: ASSET,
  checksumsUrl: `https://mirror.example/v2.8.3/${ASSET}.sha256`,
  hint: "Check 'registry-url'.",
};

test.each([
  [1, 'pinned, the file agrees: the pinned value', release, `${A}  ${ASSET}\n`, A],
  [2, 'pinned, a bare sidecar agrees', release, `${A}\n`, A],
  [3, 'pinned, the file has no line: none', release, `${A}  other.tar.gz\n${B}  more.tar.gz\n`, undefined],
  [4, 'another version: the file', { ...release, version: '2.8.2' }, `${B}  ${ASSET}\n`, B],
  [5, 'another asset: the file', { ...release, asset: 'x.tar.gz' }, `${B}  x.tar.gz\n`, B],
  [6, 'another tool: the file', { ...release, tool: 'docker-buildx' }, `${B}  ${ASSET}\n`, B],
])('%i: %s', (_n, _what, asset, file, sha) => {
  expect(expectedSha256(asset, file, TABLE)).toBe(sha);
});

test('a checksum file that disagrees with the pinned value is an error naming both, the asset and the URL', () => {
  const run = () => expectedSha256(release, `${B}  ${ASSET}\n`, TABLE);
  expect(run).toThrow(ActionError);
  expect(run).toThrow(
    `The checksum file ${release.checksumsUrl} gives sha256 ${B} for ${ASSET}, but this action pins ${A} for distribution-registry 2.8.3: the release or its mirror serves something else than the published release; nothing was downloaded. Check 'registry-url'.`,
  );
});

test('the shipped table pins only well-formed lowercase hashes', () => {
  for (const versions of Object.values(PINNED_CHECKSUMS))
    for (const assets of Object.values(versions))
      for (const sha of Object.values(assets)) expect(sha).toMatch(/^[a-f0-9]{64}$/);
});
