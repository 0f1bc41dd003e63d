// The sha256 of release assets as the action's own code knows them (pure):
// for a version in this table, the checksum file downloaded next to the asset
// must agree with it and the asset is verified against it, so a mirror or a
// release that serves a changed binary together with a matching checksum file
// is caught (issue 24). Versions not in the table are verified against their
// checksum file only, as before.
//
// The table is empty on purpose. The values must be copied from the official
// release pages, and the machine this change was written on could not reach
// them (no network) nor find them in any source it could search. Missing, to
// fill in from https://github.com/distribution/distribution/releases/tag/v2.8.3
// (each asset's .sha256): distribution-registry 2.8.3, one
// registry_2.8.3_<os>_<arch>.tar.gz per host registryAssetName names. buildx
// has no pinned default version ('buildx-version' defaults to auto / latest);
// entries for the versions users pin (from each release's checksums.txt,
// keyed docker-buildx, "0.19.2", "buildx-v0.19.2.linux-amd64") may be added.
// Filling in registry 2.8.3 makes test/itg/tools.test.ts's stand-in release
// (a Debian registry binary served as v2.8.3) fail this check, as it should:
// that test then needs a version the table does not pin, or the real asset.
import { ActionError } from '../errors.js';
import { checksumFor } from './checksums.js';

/** Tool (tool cache name) -> version (plain semver) -> asset file name -> sha256 (lowercase hex). */
export type PinnedChecksums = Readonly<
  Record<string, Readonly<Record<string, Readonly<Record<string, string>>>>>
>;

export const PINNED_CHECKSUMS: PinnedChecksums = {};

export interface ReleaseAsset {
  /** Tool cache name: "docker-buildx", "distribution-registry". */
  tool: string;
  /** Plain semver, no "v". */
  version: string;
  /** The asset's file name, as its checksum file names it. */
  asset: string;
  /** Where the checksum file came from, for the error. */
  checksumsUrl: string;
  /** The fix, as downloads give it: which input to check. */
  hint: string;
}

/**
 * The sha256 to verify the asset against: the table's, when it has one and
 * the checksum file agrees; the checksum file's otherwise; undefined when the
 * checksum file has no line for the asset.
 */
export function expectedSha256(
  release: ReleaseAsset,
  checksums: string,
  table: PinnedChecksums = PINNED_CHECKSUMS,
): string | undefined {
  const { tool, version, asset } = release;
  const fromFile = checksumFor(checksums, asset);
  const pinned = table[tool]?.[version]?.[asset]?.toLowerCase();
  if (!pinned || !fromFile) return fromFile;
  if (fromFile !== pinned)
    throw new ActionError(
      `The checksum file ${release.checksumsUrl} gives sha256 ${fromFile} for ${asset}, but this action pins ${pinned} for ${tool} ${version}: the release or its mirror serves something else than the published release; nothing was downloaded.`,
      release.hint,
    );
  return pinned;
}
