// Referrers found and written in order: breadth first (a referrer after what
// it refers to), bounded in depth, checked against what the source listed;
// then on the target every manifest by digest, the sha256-<hex> tag index only
// where the target did not answer OCI-Subject, and cosign's tags last. The
// source is an in-memory ImageSource (no referrers API: the tag schema), the
// target a client that writes down what it is asked.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { Http } from '../../../src/http.js';
import type { ImageSource } from '../../../src/oci/image-source.js';
import { OCI_INDEX, OCI_MANIFEST } from '../../../src/oci/media-types.js';
import type { Descriptor, RawManifest } from '../../../src/oci/types.js';
import { findReferrers, type FoundReferrer } from '../../../src/publish/referrers-find.js';
import { copyReferrers } from '../../../src/publish/referrers-copy.js';
import { referrerRows } from '../../../src/publish/referrers-rows.js';
import { RegistryClient } from '../../../src/registry/client.js';
import { newStats } from '../../../src/registry/copy.js';
import type { Access } from '../../../src/registry/token.js';

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const names = new Map<string, string>();
const tagOf = (digest: string, suffix = '') => `${digest.replace(':', '-')}${suffix}`;
const blob = (text: string): Descriptor => ({
  mediaType: 'x/y',
  digest: sha256(Buffer.from(text)),
  size: text.length,
});

function manifest(name: string, extra: object = {}, mediaType = OCI_MANIFEST): RawManifest {
  const doc = { schemaVersion: 2, mediaType, config: blob(`cfg ${name}`), layers: [blob(name)], ...extra };
  const bytes = Buffer.from(JSON.stringify(doc));
  const digest = sha256(bytes);
  names.set(digest, name);
  return { mediaType, digest, bytes };
}

const descriptorOf = (m: RawManifest, artifactType?: string) => ({
  mediaType: m.mediaType,
  digest: m.digest,
  size: m.bytes.length,
  ...(artifactType && { artifactType }),
});

function tagIndex(entries: object[]): RawManifest {
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries }));
  return { mediaType: OCI_INDEX, digest: sha256(bytes), bytes };
}

class MemorySource implements ImageSource {
  readonly registry = 'source.test';
  constructor(readonly refs: Map<string, RawManifest>) {}
  getManifest(_r: string, ref: string): Promise<RawManifest | undefined> {
    return Promise.resolve(this.refs.get(ref));
  }
  streamBlob(): Promise<Readable> {
    return Promise.resolve(Readable.from([]));
  }
  readBlobJson<T>(): Promise<T> {
    return Promise.reject(new Error('not used'));
  }
}

/** A target that has every blob, writes down each manifest PUT and GET, and may answer OCI-Subject. */
class RecordingTarget extends RegistryClient {
  readonly calls: string[] = [];
  readonly stored = new Map<string, RawManifest>();
  constructor(private readonly referrersApi: boolean) {
    super(new Http(), 'target.test');
  }
  private show(ref: string) {
    return names.get(ref) ?? ref.replace(/[a-f0-9]{64}/, (hex) => names.get(`sha256:${hex}`) ?? hex);
  }
  override hasBlob(): Promise<boolean> {
    return Promise.resolve(true);
  }
  override getManifest(_r: string, ref: string, _a?: Access): Promise<RawManifest | undefined> {
    this.calls.push(`get ${this.show(ref)}`);
    return Promise.resolve(this.stored.get(ref));
  }
  override putManifest(_r: string, ref: string, m: RawManifest): Promise<string | undefined> {
    this.calls.push(`put ${this.show(ref)}`);
    this.stored.set(ref, m);
    const subject = (JSON.parse(m.bytes.toString()) as { subject?: { digest: string } }).subject;
    return Promise.resolve(this.referrersApi && subject ? subject.digest : undefined);
  }
}

const image = manifest('image');
const sig = manifest('sig', {
  config: { ...blob('cfg sig'), mediaType: 'application/vnd.oci.image.config.v1+json' },
});
const att = manifest('att', {
  layers: [{ ...blob('att'), annotations: { predicateType: 'https://slsa.dev/provenance/v1' } }],
});
const attSig = manifest('attSig');
const oci11 = manifest('oci11', {
  artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
  subject: descriptorOf(image),
});

function source(extra: [string, RawManifest][] = []): Map<string, RawManifest> {
  const refs = new Map<string, RawManifest>([
    [image.digest, image],
    [tagOf(image.digest, '.sig'), sig],
    [tagOf(image.digest, '.att'), att],
    [tagOf(att.digest, '.sig'), attSig],
    [tagOf(image.digest), tagIndex([descriptorOf(oci11, 'application/vnd.dev.cosign.artifact.sig.v1+json')])],
    [oci11.digest, oci11],
    ...extra,
  ]);
  return refs;
}

const rootsIn = (refs: Map<string, RawManifest>) => [
  {
    from: { client: new MemorySource(refs), repository: 'src' },
    digest: image.digest,
    platform: 'linux/arm64',
  },
];
const shown = (found: FoundReferrer[]) =>
  found.map((r) => `${names.get(r.raw.digest)}:${r.kind}:${r.tag ? 'tag' : 'subject'}`);

describe('findReferrers', () => {
  test('1: breadth first: the image’s referrers (tag index, then cosign’s tags), then the attestation’s signature', async () => {
    const found = await findReferrers(rootsIn(source()));
    expect(shown(found)).toEqual([
      'oci11:signature:subject',
      'sig:signature:tag',
      'att:provenance:tag',
      'attSig:signature:tag',
    ]);
    expect(found.map((r) => names.get(r.subject))).toEqual(['image', 'image', 'image', 'att']);
  });

  test('2: the summary rows add them up per platform', async () => {
    expect(referrerRows(await findReferrers(rootsIn(source())))).toEqual([
      {
        platform: 'linux/arm64',
        signature: 3,
        sbom: 0,
        provenance: 1,
        attestation: 0,
        other: 0,
        otherTypes: [],
      },
    ]);
  });

  test('3: signatures of signatures stop 3 levels below the image', async () => {
    const chain = [manifest('s1'), manifest('s2'), manifest('s3'), manifest('s4')];
    const refs = new Map<string, RawManifest>([[image.digest, image]]);
    let subject = image.digest;
    for (const s of chain) {
      refs.set(tagOf(subject, '.sig'), s);
      subject = s.digest;
    }
    expect(shown(await findReferrers(rootsIn(refs)))).toEqual([
      's1:signature:tag',
      's2:signature:tag',
      's3:signature:tag',
    ]);
  });

  test.each([
    [
      4,
      'names another subject',
      manifest('liar', { subject: descriptorOf(sig) }),
      /names sha256:[a-f0-9]{64} as its subject/,
    ],
    [5, 'names no subject', manifest('nosubject'), /names no subject as its subject/],
  ])('%i: a listed referrer that %s fails the run', async (_n, _what, liar, error) => {
    const refs = source([
      [tagOf(image.digest), tagIndex([descriptorOf(liar)])],
      [liar.digest, liar],
    ]);
    await expect(findReferrers(rootsIn(refs))).rejects.toThrow(error);
  });

  test('6: a listed referrer whose size is not the listed one fails the run', async () => {
    const refs = source([[tagOf(image.digest), tagIndex([{ ...descriptorOf(oci11), size: 3 }])]]);
    await expect(findReferrers(rootsIn(refs))).rejects.toThrow(
      /is \d+ bytes, listed as 3.*nothing was tagged/,
    );
  });

  test('7: a listed referrer the source does not have fails the run', async () => {
    const refs = source();
    refs.delete(oci11.digest);
    await expect(findReferrers(rootsIn(refs))).rejects.toThrow(/listed for sha256:[a-f0-9]{64} is missing/);
  });
});

/** A source whose answers come after a random few ms, counting the reads in flight at once. */
class SlowSource extends MemorySource {
  inFlight = 0;
  most = 0;
  override async getManifest(r: string, ref: string): Promise<RawManifest | undefined> {
    this.most = Math.max(this.most, ++this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
    this.inFlight--;
    return super.getManifest(r, ref);
  }
}

test('8: the source is asked side by side, and what is found keeps its order whatever the answers’ timing', async () => {
  const slow = new SlowSource(source());
  const roots = [
    { from: { client: slow, repository: 'src' }, digest: image.digest, platform: 'linux/arm64' },
  ];
  for (let i = 0; i < 5; i++)
    expect(shown(await findReferrers(roots))).toEqual(shown(await findReferrers(rootsIn(source()))));
  // The tag index and cosign's three tags of the image at once.
  expect(slow.most).toBeGreaterThanOrEqual(4);
});

describe('copyReferrers', () => {
  /** Every referrer of the source's roots, copied into `target`'s app:1. */
  const copyAllInto = async (target: RecordingTarget) =>
    copyReferrers(
      await findReferrers(rootsIn(source())),
      [{ client: target, repository: 'app', tags: ['1'] }],
      newStats(),
    );
  test('1: no referrers API: manifests by digest, then the tag index, then cosign’s tags', async () => {
    const target = new RecordingTarget(false);
    await copyAllInto(target);
    expect(target.calls).toEqual([
      'put oci11',
      'put sig',
      'put att',
      'put attSig',
      'get sha256-image',
      'put sha256-image',
      'get sha256-image.sig',
      'put sha256-image.sig',
      'get sha256-image.att',
      'put sha256-image.att',
      'get sha256-att.sig',
      'put sha256-att.sig',
    ]);
    const index = JSON.parse(target.stored.get(tagOf(image.digest))?.bytes.toString() ?? '{}') as {
      manifests: Descriptor[];
    };
    expect(index.manifests).toEqual([descriptorOf(oci11, 'application/vnd.dev.cosign.artifact.sig.v1+json')]);
  });

  test('2: a target that answers OCI-Subject gets no tag index', async () => {
    const target = new RecordingTarget(true);
    await copyAllInto(target);
    expect(target.calls.filter((c) => c.includes('sha256-image') && !c.includes('.'))).toEqual([]);
  });

  test('3: an existing tag index is extended, and a cosign tag with other content is kept', async () => {
    const target = new RecordingTarget(false);
    const theirs = { mediaType: OCI_MANIFEST, digest: `sha256:${'c'.repeat(64)}`, size: 5 };
    target.stored.set(tagOf(image.digest), tagIndex([theirs]));
    const other = manifest('their-sig');
    target.stored.set(tagOf(image.digest, '.sig'), other);
    await copyAllInto(target);
    const index = JSON.parse(target.stored.get(tagOf(image.digest))?.bytes.toString() ?? '{}') as {
      manifests: Descriptor[];
    };
    expect(index.manifests.map((d) => d.digest)).toEqual([theirs.digest, oci11.digest]);
    expect(target.stored.get(tagOf(image.digest, '.sig'))).toBe(other);
    expect(target.calls).not.toContain('put sha256-image.sig');
  });
});
