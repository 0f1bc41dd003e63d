// Turns an image manifest into its index entry, with the platform read from
// the image's config blob (never guessed), and the image's size.
import { platformFromConfig } from './platform-of.js';
import type { Descriptor, ImageConfig, ImageManifest, RawManifest } from './types.js';
import type { Repo } from './image-source.js';

export interface ImageEntry {
  entry: Descriptor;
  /** Config plus layers, compressed, in bytes. */
  size: number;
  /** The config blob's digest: the image ID as docker and buildx report it. */
  configDigest: string;
}

export async function readImageEntry(from: Repo, raw: RawManifest): Promise<ImageEntry> {
  const manifest = JSON.parse(raw.bytes.toString('utf8')) as ImageManifest;
  const config = await from.client.readBlobJson<ImageConfig>(from.repository, manifest.config.digest);
  const platform = platformFromConfig(config);
  const size = manifest.config.size + manifest.layers.reduce((n, l) => n + l.size, 0);
  const entry = { mediaType: raw.mediaType, digest: raw.digest, size: raw.bytes.length, platform };
  return { entry, size, configDigest: manifest.config.digest };
}
