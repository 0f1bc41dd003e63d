// What build mode is told: the platforms, the build itself (build-push-action's
// names), emulation, buildx and the local registry, then the publish step.
import type { Driver } from '../buildx/builder.js';
import type { Secret } from '../buildx/secrets.js';
import type { RegistryMode } from '../local-registry/service.js';
import type { Platform } from '../platform.js';
import type { PublishOptions } from '../publish/options.js';
import type { QemuMode } from '../qemu/decide.js';

export interface BuildOptions {
  target: string;
  secrets: Secret[];
  noCache: boolean;
  pull: boolean;
  cacheFrom: string[];
  cacheTo: string[];
  buildContexts: string[];
  provenance: string;
  sbom: string;
  /** platform -> Dockerfile, for Docker Hub style per-arch Dockerfiles. */
  platformFiles: Record<string, string>;
  maxParallel: number;
  testCommand: string;
  hooks: 'auto' | 'false';
}

/** Which buildx, which builder, which local registry, and the mirrors for air-gapped runners. */
export interface ToolOptions {
  /** auto, latest, system, or vX.Y.Z (a "v" added when missing). */
  buildxVersion: string;
  buildxUrl: string;
  driver: Driver;
  buildkitImage: string;
  /** Absolute path, or '' when not given. */
  buildkitdConfig: string;
  localRegistry: RegistryMode;
  registryUrl: string;
  registryImage: string;
}

export interface BuildModeOptions extends ToolOptions, PublishOptions {
  platforms: Platform[];
  context: string;
  file: string;
  network: string;
  buildArgs: string[];
  labels: string[];
  qemu: QemuMode;
  qemuImage: string;
  qemuFallbackImage: string;
  build: BuildOptions;
}
