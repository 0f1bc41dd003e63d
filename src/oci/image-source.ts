// What copying and merging read from a source of images: a registry
// (RegistryClient) or an OCI image layout (LayoutSource). Only reads.
import type { Readable } from 'node:stream';
import type { Descriptor, RawManifest } from './types.js';

export interface ImageSource {
  /** Where the images come from, for messages: a registry host, or oci-archive:PATH. */
  readonly registry: string;
  /** The exact bytes of a manifest by tag or digest; undefined when there is none. */
  getManifest(repository: string, ref: string): Promise<RawManifest | undefined>;
  /** A blob's bytes, hashed on the way: the stream fails at its end unless they are `blob`. */
  streamBlob(repository: string, blob: Descriptor): Promise<Readable>;
  /** A small JSON blob (an image config), verified against its digest. */
  readBlobJson<T>(repository: string, digest: string): Promise<T>;
}

/**
 * A repository in an image source (unused by layouts: ''): the one name for
 * {client, repository}. Where it is written to, the client is a RegistryClient.
 */
export interface Repo<C extends ImageSource = ImageSource> {
  client: C;
  repository: string;
}
