// cosign's signature image (pure), byte for byte as cosign 2 writes it under
// the `.sig` fallback tag: an OCI image manifest whose layers are
// simple-signing payloads, each with its base64 signature (and, for keyless
// signatures, the Fulcio certificate and the Rekor bundle) as annotations, and
// a config naming those layers as diff_ids.
import { HttpError } from '../errors.js';
import { checkDigest, sha256Digest } from './digest.js';
import { DOCKER_MANIFEST, OCI_MANIFEST } from './media-types.js';
import type { Descriptor } from './types.js';

export const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
export const CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';
export const CHAIN_ANNOTATION = 'dev.sigstore.cosign/chain';
export const BUNDLE_ANNOTATION = 'dev.sigstore.cosign/bundle';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** What is signed for one image in one repository: cosign's "cosign container image signature". */
export function simpleSigningPayload(dockerReference: string, digest: string): Buffer {
  checkDigest(digest, 'A signed image');
  const critical = {
    identity: { 'docker-reference': dockerReference },
    image: { 'docker-manifest-digest': digest },
    type: 'cosign container image signature',
  };
  return Buffer.from(JSON.stringify({ critical, optional: null }));
}

/** The signature of a payload and what proves it: a certificate and a Rekor bundle when keyless. */
export interface PayloadSignature {
  signature: Buffer;
  certificate?: string;
  /** cosign's Rekor bundle (JSON), when the signature is in a transparency log. */
  bundle?: string;
}

export function signatureLayer(payload: Buffer, sig: PayloadSignature): Descriptor {
  const annotations: Record<string, string> = { [SIGNATURE_ANNOTATION]: sig.signature.toString('base64') };
  if (sig.certificate) {
    annotations[CERTIFICATE_ANNOTATION] = sig.certificate;
    annotations[CHAIN_ANNOTATION] = '';
  }
  if (sig.bundle) annotations[BUNDLE_ANNOTATION] = sig.bundle;
  return { mediaType: SIMPLE_SIGNING, size: payload.length, digest: sha256Digest(payload), annotations };
}

/** The layers of the signature image already at a `.sig` tag, to append to (cosign appends too). */
export function parseSignatureLayers(bytes: Buffer, where: string): Descriptor[] {
  let manifest: { mediaType?: unknown; layers?: unknown };
  try {
    manifest = JSON.parse(bytes.toString('utf8')) as typeof manifest;
  } catch {
    throw new HttpError(`${where} is not JSON; it cannot be a cosign signature image.`);
  }
  const typed = manifest.mediaType === OCI_MANIFEST || manifest.mediaType === DOCKER_MANIFEST;
  if (!typed || !Array.isArray(manifest.layers))
    throw new HttpError(
      `${where} is not an image manifest with layers, so not a cosign signature image; remove that tag or sign another repository.`,
    );
  return (manifest.layers as Descriptor[]).map((l, i) => {
    checkDigest(l.digest, `Layer ${i} of ${where}`);
    return l;
  });
}

export interface SignatureImage {
  config: Buffer;
  configDescriptor: Descriptor;
  manifest: { mediaType: string; digest: string; bytes: Buffer };
}

export function signatureImage(layers: readonly Descriptor[]): SignatureImage {
  const config = Buffer.from(
    JSON.stringify({
      architecture: '',
      created: ZERO_TIME,
      history: layers.map(() => ({ created: ZERO_TIME })),
      os: '',
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
      config: {},
    }),
  );
  const configDescriptor = { mediaType: OCI_CONFIG, size: config.length, digest: sha256Digest(config) };
  const bytes = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: configDescriptor, layers }),
  );
  return {
    config,
    configDescriptor,
    manifest: { mediaType: OCI_MANIFEST, digest: sha256Digest(bytes), bytes },
  };
}
