// The local registry as an image source that knows where its blobs lie on
// this machine: manifests and small blobs come over its API, and a large
// blob is read straight from distribution's storage file when it can be
// (not hashed here: the target checks ?digest= on the closing PUT). Build
// mode copies out of the local registry through this; the registry client
// itself knows nothing of the disk.
import * as core from '@actions/core';
import type { Readable } from 'node:stream';
import { FileSource, type BlobSource } from '../blob-path/blob-pump.js';
import type { LeanSource } from '../registry/blob-open.js';
import type { ImageSource } from '../oci/image-source.js';
import type { Descriptor, RawManifest } from '../oci/types.js';
import type { RegistryClient } from '../registry/client.js';
import { blobPath } from './storage.js';

export class LocalStorageSource implements ImageSource, LeanSource {
  private toldUnreadable = false;

  constructor(
    readonly api: RegistryClient,
    /** The registry's storage root on this machine. */
    readonly storage: string,
  ) {}

  get registry(): string {
    return this.api.registry;
  }

  getManifest(repository: string, ref: string): Promise<RawManifest | undefined> {
    return this.api.getManifest(repository, ref);
  }

  streamBlob(repository: string, blob: Descriptor): Promise<Readable> {
    return this.api.streamBlob(repository, blob);
  }

  readBlobJson<T>(repository: string, digest: string): Promise<T> {
    return this.api.readBlobJson<T>(repository, digest);
  }

  fileOf(digest: string): string {
    return blobPath(this.storage, digest);
  }

  /** The blob's storage file, or undefined (said once) when it cannot be read: the API serves it then. */
  async openLean(_repository: string, blob: Descriptor): Promise<BlobSource | undefined> {
    const where = blobPath(this.storage, blob.digest);
    const file = await FileSource.open(where, blob.size);
    if (typeof file !== 'string') {
      core.debug(`${blob.digest}: read from ${where}`);
      return file;
    }
    if (!this.toldUnreadable) {
      this.toldUnreadable = true;
      core.info(
        `Cannot read blobs from the local registry's storage (${file}); reading them from ${this.registry} over HTTP instead`,
      );
    }
    return undefined;
  }
}
