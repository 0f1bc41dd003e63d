// OCI image layouts as sources, on layouts real tools wrote: skopeo's
// oci-archive and oci directories, GNU tar of a directory, and our own
// writer; read the way merge-only mode reads them (readSources), and the
// layouts that are refused before anything slow, each with its reason.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { sha256Digest } from '../../../src/oci/digest.js';
import { parseLayoutReference, type LayoutReference } from '../../../src/oci/layout.js';
import type { Descriptor, ImageIndex, ImageManifest } from '../../../src/oci/types.js';
import { LayoutSource } from '../../../src/oci/layout-source.js';
import { writeOciArchive } from '../../../src/oci/archive.js';
import { readSources } from '../../../src/merge-mode/sources.js';
import { paxRecord, paxTar } from '../../helpers/sample-tar.js';
import { ROOT } from '../../../support/action-runner.js';

const FIXTURES = path.join(ROOT, 'test/fixtures/oci-layouts');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'layout-source-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const layout = (raw: string): LayoutReference => {
  const ref = parseLayoutReference(raw, FIXTURES);
  if (!ref) throw new Error(`${raw} is not a layout reference`);
  return ref;
};
const noRegistry = () => Promise.reject(new Error('no registry is asked for a layout'));

async function readAll(source: LayoutSource, blob: Descriptor): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await source.streamBlob('', blob)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Every manifest and blob under the entry, read through the source and checked. */
async function readEverything(source: LayoutSource): Promise<string[]> {
  const seen: string[] = [];
  const visit = async (digest: string): Promise<void> => {
    const raw = await source.getManifest('', digest);
    if (!raw) throw new Error(`no manifest ${digest}`);
    seen.push(digest);
    const parsed = JSON.parse(raw.bytes.toString()) as ImageIndex & ImageManifest;
    for (const child of parsed.manifests ?? []) await visit(child.digest);
    for (const blob of parsed.manifests ? [] : [parsed.config, ...parsed.layers]) {
      expect(sha256Digest(await readAll(source, blob))).toBe(blob.digest);
      seen.push(blob.digest);
    }
  };
  await visit(source.entry.digest);
  return seen;
}

test("skopeo's oci-archive without a ref name: its only entry, both platforms and the attestation", async () => {
  const images = await readSources([layout('oci-archive:skopeo-all.tar')], noRegistry);
  expect(images.map((i) => [i.platform, i.entries.length])).toEqual([
    ['linux/amd64', 2],
    ['linux/arm64', 1],
  ]);
  expect(images[0]?.source).toBe(`oci-archive:${FIXTURES}/skopeo-all.tar`);
  expect(images[0]?.from.client.registry).toBe(`oci-archive:${FIXTURES}/skopeo-all.tar`);
  const source = LayoutSource.open(layout('oci-archive:skopeo-all.tar'));
  expect(source.entry.mediaType).toBe('application/vnd.oci.image.index.v1+json');
  expect(await readEverything(source)).toHaveLength(10);
});

test.each([
  [1, 'oci:two-refs:1.0', ['linux/amd64', 'linux/arm64']],
  [2, 'oci:two-refs:arm64', ['linux/arm64']],
])('%i: skopeo oci directory %s', async (_n, raw, platforms) => {
  const images = await readSources([layout(raw)], noRegistry);
  expect(images.map((i) => i.platform)).toEqual(platforms);
});

test('a directory tarred by GNU tar (./ names) is the same layout as an oci-archive', async () => {
  const file = path.join(scratch, 'gnu.tar');
  execFileSync('tar', ['--format=gnu', '-cf', file, '-C', path.join(FIXTURES, 'two-refs'), '.']);
  const fromTar = LayoutSource.open(layout(`oci-archive:${file}:1.0`));
  const fromDir = LayoutSource.open(layout('oci:two-refs:1.0'));
  expect(fromTar.entry).toEqual(fromDir.entry);
  expect(await readEverything(fromTar)).toEqual(await readEverything(fromDir));
});

test('what our writer writes reads back: the same index, every blob verified', async () => {
  const from = { client: LayoutSource.open(layout('oci:two-refs:1.0')), repository: '' };
  const raw = await from.client.getManifest('', from.client.entry.digest);
  if (!raw) throw new Error('no index');
  const file = path.join(scratch, 'ours.tar');
  await writeOciArchive(file, () => from, raw, '2.0');
  const back = LayoutSource.open(layout(`oci-archive:${file}`));
  expect(back.entry.digest).toBe(raw.digest);
  expect(LayoutSource.open(layout(`oci-archive:${file}:2.0`)).entry.digest).toBe(raw.digest);
  expect(await readEverything(back)).toEqual(await readEverything(from.client));
  const images = await readSources([layout(`oci-archive:${file}`)], noRegistry);
  expect(images.map((i) => i.platform)).toEqual(['linux/amd64', 'linux/arm64']);
});

/** A copy of skopeo-all.tar with one byte of `digest`'s data changed. */
function damaged(digest: string): string {
  const bytes = readFileSync(path.join(FIXTURES, 'skopeo-all.tar'));
  const at = bytes.indexOf(`blobs/sha256/${digest.slice(7)}`) + 512; // the header, then the data
  bytes[at] = (bytes[at] ?? 0) ^ 0xff;
  const file = path.join(scratch, `damaged-${digest.slice(7, 15)}.tar`);
  writeFileSync(file, bytes);
  return file;
}

test('a damaged blob fails with a final error naming it, not a retryable one', async () => {
  const good = LayoutSource.open(layout('oci-archive:skopeo-all.tar'));
  const index = JSON.parse(
    (await good.getManifest('', good.entry.digest))?.bytes.toString() ?? '',
  ) as ImageIndex;
  const child = index.manifests[0]?.digest ?? '';
  const manifest = JSON.parse((await good.getManifest('', child))?.bytes.toString() ?? '') as ImageManifest;
  const layerBlob = manifest.layers[0];
  if (!layerBlob) throw new Error('no layer');
  const layer = layerBlob.digest;
  const bad = LayoutSource.open(layout(`oci-archive:${damaged(layer)}`));
  await expect(readAll(bad, layerBlob)).rejects.toThrow(
    new RegExp(`^Blob ${layer} in oci-archive:.*damaged-.*\\.tar is damaged: its bytes hash to sha256:`),
  );
  await expect(readAll(bad, layerBlob)).rejects.toHaveProperty('name', 'ActionError');
  const badManifest = LayoutSource.open(layout(`oci-archive:${damaged(child)}`));
  await expect(badManifest.getManifest('', child)).rejects.toThrow(/is damaged/);
  await expect(bad.streamBlob('', { ...layerBlob, digest: `sha256:${'0'.repeat(64)}` })).rejects.toThrow(
    /has no blobs\/sha256\/0+, which a manifest in it lists: the layout is incomplete/,
  );
});

function make(name: string, files: Record<string, string>): string {
  const dir = path.join(scratch, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

function tarOf(dir: string, gzip = false): string {
  const file = `${dir}.tar${gzip ? '.gz' : ''}`;
  execFileSync('tar', [gzip ? '-czf' : '-cf', file, '-C', dir, '.']);
  return file;
}

const twoRefsTar = tarOf(cpDir('two-refs'));
function cpDir(name: string): string {
  const dir = path.join(scratch, `copy-${name}`);
  cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

test.each([
  [
    1,
    () => 'oci-archive:/nonexistent/app.tar',
    /'oci-archive:\/nonexistent\/app.tar', which does not exist\. Give an OCI image layout: oci-archive:PATH for a tarball/,
  ],
  [2, () => 'oci:/nonexistent', /'oci:\/nonexistent', which does not exist/],
  [
    3,
    () => `oci-archive:${FIXTURES}/two-refs`,
    /which is a directory, not a tarball\. Give an OCI image layout: .* oci:DIR for a directory/,
  ],
  [4, () => `oci:${FIXTURES}/skopeo-all.tar`, /which is a file, not a directory/],
  [
    5,
    () => `oci-archive:${tarOf(cpDir('two-refs'), true)}`,
    /which is gzip-compressed; oci-archive: reads a plain tar\. Decompress it first/,
  ],
  [
    6,
    () => `oci-archive:${make('text', { 'a.json': '{}' })}/a.json`,
    /which is not a tar archive: it is shorter than one tar header/,
  ],
  [
    7,
    () => `oci-archive:${tarOf(make('no-layout', { 'index.json': '{"manifests":[]}' }))}`,
    /which has no oci-layout, so it is not an OCI image layout\. Give/,
  ],
  [
    8,
    () => `oci-archive:${tarOf(make('save', { 'manifest.json': '[]', repositories: '{}' }))}`,
    /has no oci-layout, so it is not an OCI image layout\. It looks like docker save output: convert it with skopeo copy docker-archive:PATH oci-archive:NEW/,
  ],
  [
    9,
    () => `oci:${make('no-index', { 'oci-layout': '{}' })}`,
    /which has no index\.json, so it is not an OCI image layout/,
  ],
  [
    10,
    () => `oci:${make('bad-index', { 'oci-layout': '{}', 'index.json': '{"schemaVersion":2}' })}`,
    /whose index\.json is not an OCI index \(no manifests list\)/,
  ],
  [
    11,
    () => `oci-archive:${twoRefsTar}`,
    /which holds 2 images: '1\.0', 'arm64'\. Name one after the path, e\.g\. oci-archive:.*:1\.0\./,
  ],
  [12, () => `oci-archive:${twoRefsTar}:2.0`, /holds no image named '2\.0'; it holds '1\.0', 'arm64'/],
  [
    13,
    () => {
      const dir = cpDir('two-refs');
      const index = JSON.parse(readFileSync(`${dir}/index.json`, 'utf8')) as ImageIndex;
      rmSync(path.join(dir, `blobs/sha256/${index.manifests[1]?.digest.slice(7)}`));
      return `oci:${dir}:arm64`;
    },
    /whose index\.json names sha256:[0-9a-f]{64}, but it has no blobs\/sha256\/[0-9a-f]{64}\. The layout is incomplete/,
  ],
  [
    14,
    () => {
      const file = path.join(scratch, 'nan-size.tar');
      writeFileSync(file, paxTar(paxRecord('size', 'NaN'), 'oci-layout', Buffer.from('{}')));
      return `oci-archive:${file}`;
    },
    /^Input 'sources' has 'oci-archive:.*nan-size\.tar', which is not a tar archive: pax header 'PaxHeaders\/oci-layout' gives size 'NaN', not a non-negative integer\./,
  ],
])('%i: a layout that cannot be read is refused on opening', (_n, value, message) => {
  expect(() => LayoutSource.open(layout(value()))).toThrow(message);
});
