// cosign's signature image, checked byte for byte against what the real
// cosign 2.5 wrote (test/fixtures/cosign): the payload, the appended layers,
// the config and the manifest.
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  SIGNATURE_ANNOTATION,
  parseSignatureLayers,
  signatureImage,
  signatureLayer,
  simpleSigningPayload,
} from '../../../src/oci/cosign-signature.js';
import { fallbackTag } from '../../../src/oci/referrers.js';
import type { Descriptor } from '../../../src/oci/types.js';

const DIR = path.resolve(import.meta.dirname, '../../fixtures/cosign');
const read = (f: string) => readFileSync(path.join(DIR, f));
const SUBJECT = 'sha256:23b6b5de1acc6d4b921803f9fb2bb8fd84e6c27e97ac8f285f001e37837620c4';

describe('cosign signature image', () => {
  const recorded = JSON.parse(read('sig-manifest.json').toString()) as { layers: Descriptor[] };

  test("the payload is cosign's, byte for byte", () => {
    expect(simpleSigningPayload('127.0.0.1:45731/ref/app', SUBJECT)).toEqual(read('payload.json'));
  });

  test('the layer of a signature is the recorded one', () => {
    const first = recorded.layers[0];
    const sig = Buffer.from(first?.annotations?.[SIGNATURE_ANNOTATION] ?? '', 'base64');
    expect(signatureLayer(read('payload.json'), { signature: sig })).toEqual(first);
  });

  test('two layers give the recorded config and manifest, byte for byte', () => {
    const image = signatureImage(recorded.layers);
    expect(image.config).toEqual(read('sig-config.json'));
    expect(image.manifest.bytes).toEqual(read('sig-manifest.json'));
    expect(image.manifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
  });

  test("the recorded signature verifies with cosign's public key over the payload (what cosign checks)", () => {
    const key = createPublicKey(read('cosign.pub'));
    const sig = Buffer.from(recorded.layers[0]?.annotations?.[SIGNATURE_ANNOTATION] ?? '', 'base64');
    expect(verify('sha256', read('payload.json'), key, sig)).toBe(true);
    expect(
      verify('sha256', simpleSigningPayload('127.0.0.1:45731/ref/app', `sha256:${'0'.repeat(64)}`), key, sig),
    ).toBe(false);
  });

  test('a keyless signature carries its certificate, an empty chain and the Rekor bundle', () => {
    const layer = signatureLayer(Buffer.from('{}'), {
      signature: Buffer.from('sig'),
      certificate: '-----BEGIN CERTIFICATE-----\n…',
      bundle: '{"SignedEntryTimestamp":"…"}',
    });
    expect(layer.annotations).toEqual({
      'dev.cosignproject.cosign/signature': 'c2ln',
      'dev.sigstore.cosign/certificate': '-----BEGIN CERTIFICATE-----\n…',
      'dev.sigstore.cosign/chain': '',
      'dev.sigstore.cosign/bundle': '{"SignedEntryTimestamp":"…"}',
    });
  });

  test.each([
    [1, 'not JSON', 'x', /is not JSON/],
    [
      2,
      'an index',
      '{"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}',
      /not an image manifest/,
    ],
    [
      3,
      'a bad layer digest',
      '{"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[{"digest":"../x"}]}',
      /Layer 0 of/,
    ],
  ])('%i: what is at a .sig tag and is %s is refused', (_n, _what, text, message) => {
    expect(() => parseSignatureLayers(Buffer.from(text), 'r/app:sha256-x.sig')).toThrow(message);
  });

  test('the layers at a .sig tag are read for appending', () => {
    expect(parseSignatureLayers(read('sig-manifest.json'), 'where')).toEqual(recorded.layers);
  });

  test.each([
    [1, SUBJECT, 'sig', 'sha256-23b6b5de1acc6d4b921803f9fb2bb8fd84e6c27e97ac8f285f001e37837620c4.sig'],
    [2, SUBJECT, 'att', 'sha256-23b6b5de1acc6d4b921803f9fb2bb8fd84e6c27e97ac8f285f001e37837620c4.att'],
  ] as const)('%i: the fallback tag of %s (%s)', (_n, digest, kind, tag) => {
    expect(fallbackTag(digest, kind)).toBe(tag);
  });

  test('a fallback tag of something that is not a digest is refused', () => {
    expect(() => fallbackTag('latest', 'sig')).toThrow(/not sha256/);
  });
});
