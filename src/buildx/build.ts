// One platform's build: pure argv, then a streamed `docker buildx build` that
// pushes into the local registry and writes a metadata file.
import { readFileSync } from 'node:fs';
import { ActionError, ExecError } from '../errors.js';
import { run } from '../exec.js';
import { explainBuildFailure, type EmulationContext } from '../qemu/pitfalls.js';

export interface BuildSpec {
  platform: string;
  context: string;
  file: string;
  /** Where the image goes: the local registry. */
  ref: string;
  metadataFile: string;
  network: string;
  buildArgs: readonly string[];
  labels: readonly string[];
  /** How this platform runs, to explain failures caused by emulation. */
  emulation?: EmulationContext;
}

export function buildArgs(spec: BuildSpec): string[] {
  const args = [
    'buildx',
    'build',
    '--platform',
    spec.platform,
    '--file',
    spec.file,
    '--tag',
    spec.ref,
    '--push',
  ];
  args.push('--metadata-file', spec.metadataFile, '--provenance=false');
  if (spec.network) args.push('--network', spec.network);
  for (const a of spec.buildArgs) args.push('--build-arg', a);
  for (const l of spec.labels) args.push('--label', l);
  args.push(spec.context);
  return args;
}

export interface BuildMetadata {
  digest?: string;
  configDigest?: string;
}

/** Reads what buildx wrote to --metadata-file (pure on the text). */
export function parseMetadata(text: string): BuildMetadata {
  const json = JSON.parse(text) as Record<string, unknown>;
  const str = (k: string) => (typeof json[k] === 'string' ? json[k] : undefined);
  return { digest: str('containerimage.digest'), configDigest: str('containerimage.config.digest') };
}

export async function runBuild(spec: BuildSpec): Promise<BuildMetadata> {
  try {
    await run('docker', buildArgs(spec));
  } catch (err) {
    if (!(err instanceof ExecError)) throw err;
    const hint =
      explainBuildFailure(
        err.tail,
        spec.emulation ?? { platform: spec.platform, how: 'failed', flags: '', interpreter: '' },
      ) ?? `See the build log above.`;
    throw new ActionError(`Building ${spec.platform} failed (exit code ${err.exitCode}): ${err.tail}`, hint);
  }
  return parseMetadata(readFileSync(spec.metadataFile, 'utf8'));
}
