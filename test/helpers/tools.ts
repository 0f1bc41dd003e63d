// Real tools dressed as releases and images for the tool-install tests:
// Debian's buildx binary, a distribution tarball and a stand-in registry
// image built from Debian's docker-registry, a PATH without a registry, and
// docker config dirs whose "runner buildx" is too old or broken.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const DEBIAN_BUILDX = '/usr/libexec/docker/cli-plugins/docker-buildx';
export const DEBIAN_REGISTRY = '/usr/bin/docker-registry';

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

/** registry_<v>_linux_amd64.tar.gz as the release has it: LICENSE, README.md and `registry`. */
export function registryTarball(dir: string, name: string): string {
  const staging = tempDir('registry-release');
  copyFileSync(DEBIAN_REGISTRY, path.join(staging, 'registry'));
  chmodSync(path.join(staging, 'registry'), 0o755);
  writeFileSync(path.join(staging, 'LICENSE'), 'Apache License 2.0\n');
  writeFileSync(path.join(staging, 'README.md'), '# distribution\n');
  const out = path.join(dir, name);
  execFileSync('tar', ['-czf', out, '-C', staging, 'LICENSE', 'README.md', 'registry']);
  rmSync(staging, { recursive: true, force: true });
  return out;
}

/** A PATH holding links to everything on the current PATH except `hidden`. */
export function pathWithout(hidden: readonly string[]): { PATH: string; dir: string } {
  const dir = tempDir('path');
  for (const d of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    let names: string[] = [];
    try {
      names = readdirSync(d);
    } catch {
      continue;
    }
    for (const n of names) {
      if (hidden.includes(n)) continue;
      try {
        symlinkSync(path.join(d, n), path.join(dir, n));
      } catch {
        // an earlier PATH entry already has it
      }
    }
  }
  return { PATH: dir, dir };
}

/** A DOCKER_CONFIG whose cli-plugins/docker-buildx reports `version`; 'broken' is no working buildx at all. */
export function fakeRunnerBuildx(version: string): string {
  const dir = tempDir('docker-config');
  mkdirSync(path.join(dir, 'cli-plugins'));
  const script =
    version === 'broken'
      ? '#!/bin/sh\nexit 1\n'
      : [
          '#!/bin/sh',
          `if [ "$1" = docker-cli-plugin-metadata ]; then echo '{"SchemaVersion":"0.1.0","Vendor":"test","Version":"v${version}"}'; exit 0; fi`,
          `echo "github.com/docker/buildx v${version} 0000000"`,
          '',
        ].join('\n');
  writeFileSync(path.join(dir, 'cli-plugins', 'docker-buildx'), script, { mode: 0o755 });
  return dir;
}

/** The shared libraries `ldd` lists for a binary. */
function sharedLibs(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return [...out.matchAll(/(\/\S+) \(0x/g)].map((m) => m[1] ?? '').filter(Boolean);
}

/**
 * A stand-in for docker.io/library/registry built offline: Debian's registry
 * binary and the libraries it links, FROM scratch, same entrypoint and config
 * path as the official image.
 */
export function buildRegistryImage(tag: string): void {
  const ctx = tempDir('registry-image');
  try {
    mkdirSync(path.join(ctx, 'bin'));
    copyFileSync(DEBIAN_REGISTRY, path.join(ctx, 'bin', 'registry'));
    chmodSync(path.join(ctx, 'bin', 'registry'), 0o755);
    for (const lib of sharedLibs(DEBIAN_REGISTRY)) {
      mkdirSync(path.join(ctx, path.dirname(lib)), { recursive: true });
      copyFileSync(lib, path.join(ctx, lib));
    }
    mkdirSync(path.join(ctx, 'etc', 'docker', 'registry'), { recursive: true });
    writeFileSync(
      path.join(ctx, 'etc', 'docker', 'registry', 'config.yml'),
      'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: /var/lib/registry\nhttp:\n  addr: :5000\n',
    );
    writeFileSync(
      path.join(ctx, 'Dockerfile'),
      'FROM scratch\nCOPY . /\nVOLUME ["/var/lib/registry"]\nENTRYPOINT ["/bin/registry"]\nCMD ["serve", "/etc/docker/registry/config.yml"]\n',
    );
    writeFileSync(path.join(ctx, '.dockerignore'), 'Dockerfile\n.dockerignore\n');
    execFileSync('docker', ['build', '--quiet', '--tag', tag, ctx], { stdio: 'ignore' });
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}

export function dockerLines(args: string[]): string[] {
  return execFileSync('docker', args, { encoding: 'utf8' }).split('\n').filter(Boolean);
}
