// What build mode is told: the platforms, the build itself (build-push-action's
// names), emulation, buildx and the local registry, then the publish step.
import type { RunStepOptions } from '../buildx/build.js';
import type { Driver } from '../buildx/builder.js';
import type { Secret } from '../buildx/secrets.js';
import type { RegistryMode } from '../local-registry/service.js';
import type { Platform } from '../platform.js';
import type { PublishOptions } from '../publish/options.js';
import type { QemuMode } from '../qemu/decide.js';

export interface BuildOptions extends RunStepOptions {
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
  /** platform -> build context, from 'platform-files' PLATFORM=DOCKERFILE@CONTEXT. */
  platformContexts: Record<string, string>;
  /** 'platform-files: auto': Dockerfile.<arch> beside 'file', by official-images arch names. */
  platformFilesAuto: boolean;
  maxParallel: number;
  testCommand: string;
  /** check: print what the hooks will do, build nothing (hub/check.ts). */
  hooks: 'auto' | 'false' | 'check';
  /** build, or a buildx --call method (check, outline, ...) run instead of the builds (buildx/call.ts). */
  call: string;
  /** buildx --annotation values for the image manifests (manifest[PLATFORM]:KEY=VALUE). */
  manifestAnnotations: string[];
  /** Which input asked for each attestation ('provenance' / 'sbom', or 'attests'), for error messages. */
  attestInputs: string[];
}

/** Which buildx, which builder, which local registry, and the mirrors for air-gapped runners. */
export interface ToolOptions {
  /** auto, latest, system, or vX.Y.Z (a "v" added when missing). */
  buildxVersion: string;
  buildxUrl: string;
  driver: Driver;
  /** An existing buildx builder to build on (the user's: never created or removed), or ''. */
  builder: string;
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
  /** After the publish, load the images into the runner's engine under 'tags' (publish/load.ts). */
  load: boolean;
}

/** The Dockerfile and context one platform builds from: its 'platform-files' line, else 'file' and 'context'. */
export function sourceOf(options: BuildModeOptions, platform: string): { file: string; context: string } {
  return {
    file: options.build.platformFiles[platform] ?? options.file,
    context: options.build.platformContexts[platform] ?? options.context,
  };
}
