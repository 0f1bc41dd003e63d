// Writes one signature where `cosign verify` looks for it on a registry
// without the referrers API: appended to the signature image at the image's
// `sha256-<hex>.sig` tag (payload and config blobs first, then the manifest).
// A signature of the same payload by the same key already there is kept as
// is, so a re-run adds none.
import { Readable } from 'node:stream';
import { fallbackTag } from '../oci/referrers.js';
import {
  SIGNATURE_ANNOTATION,
  parseSignatureLayers,
  signatureImage,
  signatureLayer,
  type PayloadSignature,
} from '../oci/cosign-signature.js';
import type { Descriptor } from '../oci/types.js';
import type { Target } from '../registry/clients.js';
import { uploadBlob } from '../registry/upload.js';
import type { PayloadSigner } from './options.js';

/** One image's signature for one repository, made and not yet written. */
export interface SignedImage {
  target: Target;
  digest: string;
  /** "index" or a platform, for the log. */
  what: string;
  payload: Buffer;
  signature: PayloadSignature;
}

async function putBlob(target: Target, blob: Descriptor, bytes: Buffer): Promise<void> {
  const { client, repository } = target;
  if (await client.hasBlob(repository, blob.digest)) return;
  await uploadBlob(client, repository, blob, () => Promise.resolve(Readable.from([bytes])));
}

function signedBefore(layers: readonly Descriptor[], s: SignedImage, signer: PayloadSigner): boolean {
  const digest = signatureLayer(s.payload, s.signature).digest;
  return layers.some((l) => {
    const sig = l.annotations?.[SIGNATURE_ANNOTATION];
    return l.digest === digest && sig !== undefined && signer.isOurs(s.payload, Buffer.from(sig, 'base64'));
  });
}

/** The tag written ("registry/repo:sha256-….sig"), or undefined when the same signature was there. */
export async function writeSignature(s: SignedImage, signer: PayloadSigner): Promise<string | undefined> {
  const { client, repository } = s.target;
  const tag = fallbackTag(s.digest, 'sig');
  const where = `${client.registry}/${repository}:${tag}`;
  const current = await client.getManifest(repository, tag, 'push');
  const layers = current ? parseSignatureLayers(current.bytes, where) : [];
  if (signedBefore(layers, s, signer)) return undefined;
  const layer = signatureLayer(s.payload, s.signature);
  await putBlob(s.target, layer, s.payload);
  const image = signatureImage([...layers, layer]);
  await putBlob(s.target, image.configDescriptor, image.config);
  await client.putManifest(repository, tag, image.manifest);
  return where;
}
