// OCI and Docker schema 2 structures as plain interfaces.

export interface OciPlatform {
  os: string;
  architecture: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: OciPlatform;
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

/** The fields of an image config blob that describe its platform. */
export interface ImageConfig {
  os?: string;
  architecture?: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

/** Manifest bytes exactly as a registry served them, with their digest. */
export interface RawManifest {
  mediaType: string;
  digest: string;
  bytes: Buffer;
}
