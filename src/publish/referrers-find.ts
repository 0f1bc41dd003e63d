// Finding what hangs off the manifests a run copies, before anything is
// written: OCI 1.1 referrers (through the source's referrers API, else its
// `sha256-<hex>` tag index; in a layout, index.json entries with a subject)
// and cosign's `sha256-<hex>.sig/.att/.sbom` tags, then their own referrers
// (an attestation's signature), breadth first. Every manifest is read bounded
// and checked against the digest it was listed under, and a listed referrer
// must name the manifest it was listed for: a source that lies fails the run
// here, before any tag is written. Bounds: MAX_REFERRER_DEPTH levels,
// MAX_REFERRERS per copied manifest (a warning says what was left).
import * as core from '@actions/core';
import { HttpError } from '../errors.js';
import { forLog } from '../log-safe.js';
import type { Repo } from '../oci/image-source.js';
import { LayoutSource } from '../oci/layout-source.js';
import { isIndexType, isManifestType } from '../oci/media-types.js';
import {
  COSIGN_SUFFIXES,
  fallbackTag,
  MAX_REFERRER_DEPTH,
  MAX_REFERRERS,
  parseReferrersIndex,
  referrerDescriptor,
  referrerKind,
  subjectOf,
  artifactTypeOf,
  type CosignSuffix,
  type ReferrerDescriptor,
  type ReferrerKind,
  type ReferrerManifest,
} from '../oci/referrers.js';
import type { RawManifest } from '../oci/types.js';
import { isLeanSource } from '../registry/blob-open.js';
import { RegistryClient } from '../registry/client.js';
import { listReferrers } from '../registry/referrers-api.js';
import { mapPool } from '../pool.js';

/** Reads at once to a source: roots side by side, and within a root a level's subjects (each asks 4 things). */
const ROOTS_AT_ONCE = 4;
const SUBJECTS_AT_ONCE = 2;

/** One referrer's identity: a cosign tag's manifest and the same manifest as an OCI 1.1 referrer differ. */
const keyOf = (r: FoundReferrer): string => `${r.tag ?? ''}@${r.raw.digest}`;

/** A referrer to carry: its exact bytes, what it refers to, and how it is found again on the target. */
export interface FoundReferrer {
  from: Repo;
  raw: RawManifest;
  /** The digest it refers to (a copied manifest, or another referrer). */
  subject: string;
  /** The platform of the copied manifest at the root of its tree, for the summary. */
  platform: string;
  kind: ReferrerKind;
  artifactType: string;
  /** cosign's tag it was found under, and is written under; absent: an OCI 1.1 referrer (it has a subject). */
  tag?: string;
  /** Its entry in a referrers index. */
  descriptor: ReferrerDescriptor;
}

/** A copied manifest whose referrers are looked for. */
export interface Root {
  from: Repo;
  digest: string;
  platform: string;
}

/** The source's referrers API, when it has one (a registry, or the local registry behind its files). */
function apiOf(from: Repo): RegistryClient | undefined {
  if (from.client instanceof RegistryClient) return from.client;
  return isLeanSource(from.client) ? from.client.api : undefined;
}

function lie(from: Repo, what: string): HttpError {
  return new HttpError(
    `Cannot carry referrers from ${from.client.registry}/${from.repository}: ${what}. The source's answers are wrong (damaged or tampered with); nothing was tagged. Set 'referrers: false' to copy without them.`,
    undefined,
    'REFERRER_INVALID',
  );
}

/** The OCI 1.1 referrers listed for `digest`: the API where the source has one, else the tag schema's index. */
async function listed(from: Repo, digest: string): Promise<ReferrerDescriptor[]> {
  const api = apiOf(from);
  const viaApi = api ? await listReferrers(api, from.repository, digest) : undefined;
  if (viaApi) return viaApi;
  const layout = from.client instanceof LayoutSource ? await from.client.listReferrers(digest) : [];
  const tagged = await from.client.getManifest(from.repository, fallbackTag(digest));
  if (!tagged || !isIndexType(tagged.mediaType)) return layout;
  try {
    return [...layout, ...parseReferrersIndex(tagged.bytes, `tag ${fallbackTag(digest)}`)];
  } catch (err) {
    throw lie(from, err instanceof Error ? err.message : String(err));
  }
}

function parse(raw: RawManifest, from: Repo, what: string): ReferrerManifest {
  if (!isManifestType(raw.mediaType) && !isIndexType(raw.mediaType))
    throw lie(from, `${what} is a ${forLog(raw.mediaType.slice(0, 80)) || 'manifest of no type'}`);
  return JSON.parse(raw.bytes.toString('utf8')) as ReferrerManifest;
}

/** A listed referrer read by its digest and checked to be what the list says. */
async function readListed(from: Repo, subject: string, d: ReferrerDescriptor): Promise<RawManifest> {
  const raw = await from.client.getManifest(from.repository, d.digest);
  const what = `the referrer ${d.digest} listed for ${subject}`;
  if (!raw) throw lie(from, `${what} is missing`);
  if (raw.bytes.length !== d.size)
    throw lie(from, `${what} is ${raw.bytes.length} bytes, listed as ${d.size}`);
  const declared = subjectOf(parse(raw, from, what), what);
  if (declared !== subject) throw lie(from, `${what} names ${declared ?? 'no subject'} as its subject`);
  return raw;
}

/** A referrer as found: listed by the API or tag index, or (with `cosign`) at one of cosign's tags. */
function foundReferrer(
  from: Repo,
  raw: RawManifest,
  manifest: ReferrerManifest,
  subject: string,
  root: Root,
  cosign?: { suffix: CosignSuffix; tag: string },
): FoundReferrer {
  return {
    from,
    raw,
    subject,
    platform: root.platform,
    kind: referrerKind(manifest, cosign?.suffix),
    artifactType: artifactTypeOf(manifest),
    ...(cosign && { tag: cosign.tag }),
    descriptor: referrerDescriptor(manifest, raw),
  };
}

/** The listed referrers of one digest, read side by side, in the list's order. */
async function listedReferrers(from: Repo, subject: string, root: Root): Promise<FoundReferrer[]> {
  return mapPool(await listed(from, subject), SUBJECTS_AT_ONCE, async (d) => {
    const raw = await readListed(from, subject, d);
    return foundReferrer(from, raw, parse(raw, from, d.digest), subject, root);
  });
}

/**
 * Every referrer of one digest, one level down: the listed ones, then cosign's tags in their order.
 * The list and the tags are asked side by side (most answers are 404s, each a round trip).
 */
async function referrersOf(from: Repo, subject: string, root: Root): Promise<FoundReferrer[]> {
  const [fromList, ...fromTags] = await Promise.all([
    listedReferrers(from, subject, root),
    ...COSIGN_SUFFIXES.map((suffix) => cosignTag(from, subject, root, suffix)),
  ]);
  return [...fromList, ...fromTags.flat()];
}

async function cosignTag(
  from: Repo,
  subject: string,
  root: Root,
  suffix: CosignSuffix,
): Promise<FoundReferrer[]> {
  const tag = fallbackTag(subject, suffix);
  const raw = await from.client.getManifest(from.repository, tag);
  if (!raw) return [];
  return [foundReferrer(from, raw, parse(raw, from, `tag ${tag}`), subject, root, { suffix, tag })];
}

/** One root's tree, breadth first (a referrer always after what it refers to), within the bounds. */
async function treeOf(root: Root): Promise<FoundReferrer[]> {
  const seen = new Set<string>();
  const all: FoundReferrer[] = [];
  let level = [root.digest];
  for (let depth = 1; depth <= MAX_REFERRER_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    // A level's subjects are asked side by side and taken in order, so the result does not depend on timing.
    const found = await mapPool(level, SUBJECTS_AT_ONCE, (subject) => referrersOf(root.from, subject, root));
    for (const referrers of found) {
      for (const r of referrers) {
        const key = keyOf(r);
        if (seen.has(key)) continue;
        if (all.length >= MAX_REFERRERS) {
          core.warning(
            `${forLog(root.platform)} ${root.digest} has more than ${MAX_REFERRERS} referrers; the first ${MAX_REFERRERS} are carried.`,
          );
          return all;
        }
        seen.add(key);
        all.push(r);
        next.push(r.raw.digest);
      }
    }
    level = next;
  }
  return all;
}

/** Every root's referrers, read and checked; logged per platform. */
export async function findReferrers(roots: readonly Root[]): Promise<FoundReferrer[]> {
  // Each root's tree side by side, on its own; taken in the roots' order, a referrer two roots share once.
  const trees = await mapPool(roots, ROOTS_AT_ONCE, treeOf);
  const seen = new Set<string>();
  const all: FoundReferrer[] = [];
  roots.forEach((root, i) => {
    const tree = (trees[i] ?? []).filter((r) => !seen.has(keyOf(r)));
    for (const r of tree) seen.add(keyOf(r));
    if (tree.length > 0)
      core.info(
        `${forLog(root.platform)} ${root.digest}: ${tree.length} referrer(s): ${tree.map((r) => r.kind).join(', ')}`,
      );
    all.push(...tree);
  });
  return all;
}
