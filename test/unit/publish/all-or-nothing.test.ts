// All or nothing: every target is checked for every entry before any tag is
// written; a tag already at the index is left alone; the index is checked by
// digest after the tags (never by re-reading a tag another run may move); copyEntries names a manifest that vanished from its source.
// Targets are in-memory registries that record every call.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { Http } from '../../../src/http.js';
import type { ImageSource } from '../../../src/oci/image-source.js';
import type { SerializedIndex } from '../../../src/oci/index.js';
import { OCI_INDEX, OCI_MANIFEST } from '../../../src/oci/media-types.js';
import type { Descriptor, RawManifest } from '../../../src/oci/types.js';
import {
  copyEntries,
  pushIndex,
  type SourcedEntry,
  type Target,
} from '../../../src/publish/all-or-nothing.js';
import type { Access } from '../../../src/registry/token.js';
import { RegistryClient } from '../../../src/registry/client.js';

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

function raw(mediaType: string, doc: object): RawManifest {
  const bytes = Buffer.from(JSON.stringify(doc));
  return { mediaType, digest: sha256(bytes), bytes };
}

const config = (n: string): Descriptor => ({
  mediaType: 'application/vnd.oci.image.config.v1+json',
  digest: sha256(Buffer.from(n)),
  size: n.length,
});
const amd64 = raw(OCI_MANIFEST, {
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  config: config('amd64'),
  layers: [],
});
const arm64 = raw(OCI_MANIFEST, {
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  config: config('arm64'),
  layers: [],
});
const entry = (m: RawManifest): Descriptor => ({
  mediaType: m.mediaType,
  digest: m.digest,
  size: m.bytes.length,
});
const indexRaw = raw(OCI_INDEX, {
  schemaVersion: 2,
  mediaType: OCI_INDEX,
  manifests: [entry(amd64), entry(arm64)],
});
const INDEX: SerializedIndex = { mediaType: OCI_INDEX, digest: indexRaw.digest, bytes: indexRaw.bytes };
const OLD = raw(OCI_INDEX, { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [entry(amd64)] });

/** Every call to every target, in order, as "registry repo method ref". */
type Log = string[];

class MemoryRegistry extends RegistryClient {
  readonly manifests = new Map<string, RawManifest>();
  /** What a tag read back serves instead of what was written (another run's push in between). */
  stale?: RawManifest;
  /** A registry that answers a PUT and then does not have the manifest by digest. */
  loses = false;

  constructor(
    name: string,
    private readonly log: Log,
    has: RawManifest[],
  ) {
    super(new Http(), name);
    for (const m of has) this.manifests.set(m.digest, m);
  }

  private note(repo: string, what: string) {
    this.log.push(`${this.registry} ${repo} ${what}`);
  }

  override hasManifest(repo: string, digest: string): Promise<boolean> {
    const name = { [amd64.digest]: 'amd64', [arm64.digest]: 'arm64', [INDEX.digest]: 'index' }[digest];
    this.note(repo, `has ${name ?? digest}`);
    return Promise.resolve(!(this.loses && digest === INDEX.digest) && this.manifests.has(digest));
  }

  override getManifest(repo: string, ref: string, _access?: Access): Promise<RawManifest | undefined> {
    this.note(repo, `get ${ref}`);
    return Promise.resolve(this.stale ?? this.manifests.get(ref));
  }

  override putManifest(repo: string, ref: string, manifest: RawManifest): Promise<string | undefined> {
    this.note(repo, `put ${ref.startsWith('sha256:') ? manifest.digest.slice(0, 15) : ref}`);
    this.manifests.set(ref, manifest);
    this.manifests.set(manifest.digest, manifest); // a registry keeps what it is given by digest too
    return Promise.resolve(undefined);
  }

  override hasBlob(): Promise<boolean> {
    return Promise.resolve(true);
  }
}

const puts = (log: Log) => log.filter((l) => / put /.test(l));

describe('pushIndex', () => {
  test('1: every target has every entry: each tag is written, then the index checked by digest', async () => {
    const log: Log = [];
    const one = new MemoryRegistry('one.test', log, [amd64, arm64]);
    const two = new MemoryRegistry('two.test', log, [amd64, arm64]);
    const targets: Target[] = [
      { client: one, repository: 'app', tags: ['v1', 'latest'] },
      { client: two, repository: 'mirror/app', tags: ['v1'] },
    ];
    await pushIndex(targets, INDEX);
    // Every check and every tag's read side by side (any order), then target after target: its tags
    // side by side, then its index by digest.
    expect(log.slice(0, 7).sort()).toEqual(
      [
        'one.test app has amd64',
        'one.test app has arm64',
        'two.test mirror/app has amd64',
        'two.test mirror/app has arm64',
        'one.test app get v1',
        'one.test app get latest',
        'two.test mirror/app get v1',
      ].sort(),
    );
    expect(log.slice(7, 9).sort()).toEqual(['one.test app put latest', 'one.test app put v1']);
    expect(log.slice(9)).toEqual([
      'one.test app has index',
      'two.test mirror/app put v1',
      'two.test mirror/app has index',
    ]);
    for (const [client, tag] of [
      [one, 'v1'],
      [one, 'latest'],
      [two, 'v1'],
    ] as const)
      expect(client.manifests.get(tag)).toEqual({
        mediaType: OCI_INDEX,
        digest: INDEX.digest,
        bytes: INDEX.bytes,
      });
  });

  // Any target missing any entry: nothing is tagged anywhere, not even on the targets checked first.
  test.each([
    [1, [amd64], [amd64, arm64], 'one.test/app', arm64.digest],
    [2, [amd64, arm64], [arm64], 'two.test/mirror/app', amd64.digest],
    [3, [amd64, arm64], [], 'two.test/mirror/app', amd64.digest],
    [4, [], [amd64, arm64], 'one.test/app', amd64.digest],
  ])(
    '%i: a target missing an entry: no tag is written anywhere',
    async (_n, hasOne, hasTwo, where, digest) => {
      const log: Log = [];
      const targets: Target[] = [
        { client: new MemoryRegistry('one.test', log, hasOne), repository: 'app', tags: ['v1'] },
        { client: new MemoryRegistry('two.test', log, hasTwo), repository: 'mirror/app', tags: ['v1', 'v2'] },
      ];
      await expect(pushIndex(targets, INDEX)).rejects.toThrow(
        `${where} does not have manifest ${digest} after copying it; the index was not pushed.`,
      );
      expect(puts(log)).toEqual([]); // the tags were read beside the checks, none written
    },
  );

  test.each([
    [1, { v1: 'index' }, ['one.test app put latest']],
    [2, { v1: 'index', latest: 'index' }, []],
    [3, { latest: 'index' }, ['one.test app put v1']],
    [4, { v1: 'old', latest: 'index' }, ['one.test app put v1']],
    [5, { v1: 'old', latest: 'old' }, ['one.test app put v1', 'one.test app put latest']],
  ])('%i: tags already there %j: only the others are written', async (_n, already, written) => {
    const log: Log = [];
    const one = new MemoryRegistry('one.test', log, [amd64, arm64]);
    for (const [tag, which] of Object.entries(already)) {
      const m = which === 'index' ? INDEX : OLD;
      one.manifests.set(tag, { mediaType: m.mediaType, digest: m.digest, bytes: m.bytes });
      one.manifests.set(m.digest, { mediaType: m.mediaType, digest: m.digest, bytes: m.bytes });
    }
    await pushIndex([{ client: one, repository: 'app', tags: ['v1', 'latest'] }], INDEX);
    expect(puts(log)).toEqual(written);
    expect(one.manifests.get('v1')?.digest).toBe(INDEX.digest);
    expect(one.manifests.get('latest')?.digest).toBe(INDEX.digest);
  });

  test('1: another run moves the tag right after our PUT: ours still succeeds', async () => {
    const log: Log = [];
    const one = new MemoryRegistry('one.test', log, [amd64, arm64]);
    const put = one.putManifest.bind(one);
    one.putManifest = async (repo, ref, m) => {
      await put(repo, ref, m);
      one.stale = OLD; // the other run's index now answers the tag
      return undefined;
    };
    await pushIndex([{ client: one, repository: 'app', tags: ['v1'] }], INDEX);
    expect(log.slice(-2)).toEqual(['one.test app put v1', 'one.test app has index']);
  });

  test('1: a registry without the index by digest after the PUT fails before the next target', async () => {
    const log: Log = [];
    const one = new MemoryRegistry('one.test', log, [amd64, arm64]);
    const two = new MemoryRegistry('two.test', log, [amd64, arm64]);
    one.loses = true;
    const targets: Target[] = [
      { client: one, repository: 'app', tags: ['v1', 'latest'] },
      { client: two, repository: 'app', tags: ['v1'] },
    ];
    await expect(pushIndex(targets, INDEX)).rejects.toThrow(
      `one.test/app does not have index ${INDEX.digest} after pushing it to v1, latest.`,
    );
    expect(puts(log)).toEqual(['one.test app put v1', 'one.test app put latest']);
  });
});

class MemorySource implements ImageSource {
  readonly registry = 'source.test';
  constructor(private readonly manifests: RawManifest[]) {}
  getManifest(_repository: string, ref: string): Promise<RawManifest | undefined> {
    return Promise.resolve(this.manifests.find((m) => m.digest === ref));
  }
  streamBlob(): Promise<Readable> {
    return Promise.reject(new Error('no blob reads expected: the targets have every blob'));
  }
  readBlobJson<T>(): Promise<T> {
    return Promise.reject(new Error('not used'));
  }
}

describe('copyEntries', () => {
  test.each([
    [1, [amd64], arm64.digest],
    [2, [arm64], amd64.digest],
    [3, [], amd64.digest],
  ])('%i: a manifest gone from the source is named, and nothing is copied', async (_n, has, gone) => {
    const log: Log = [];
    const src = new MemorySource(has);
    const entries: SourcedEntry[] = [amd64, arm64].map((m) => ({
      from: { client: src, repository: 'builds' },
      descriptor: entry(m),
    }));
    const target = new MemoryRegistry('one.test', log, []);
    await expect(copyEntries(entries, [{ client: target, repository: 'app', tags: ['v1'] }])).rejects.toThrow(
      `Manifest ${gone} vanished from source.test/builds.`,
    );
    expect(log).toEqual([]);
  });

  test('1: every entry reaches every target, by digest', async () => {
    const log: Log = [];
    const src = new MemorySource([amd64, arm64]);
    const entries: SourcedEntry[] = [amd64, arm64].map((m) => ({
      from: { client: src, repository: 'builds' },
      descriptor: entry(m),
    }));
    const one = new MemoryRegistry('one.test', log, []);
    const two = new MemoryRegistry('two.test', log, []);
    const stats = await copyEntries(entries, [
      { client: one, repository: 'app', tags: ['v1'] },
      { client: two, repository: 'mirror/app', tags: ['v1'] },
    ]);
    expect(puts(log)).toEqual([
      `one.test app put ${amd64.digest.slice(0, 15)}`,
      `one.test app put ${arm64.digest.slice(0, 15)}`,
      `two.test mirror/app put ${amd64.digest.slice(0, 15)}`,
      `two.test mirror/app put ${arm64.digest.slice(0, 15)}`,
    ]);
    // Two configs per target, both already there.
    expect(stats).toEqual({
      blobsUploaded: 0,
      blobsMounted: 0,
      blobsSkipped: 4,
      bytesUploaded: 0,
      blobsInterrupted: 0,
    });
    // Now the index can go out.
    await pushIndex([{ client: one, repository: 'app', tags: ['v1'] }], INDEX);
    expect(one.manifests.get('v1')?.digest).toBe(INDEX.digest);
  });
});
