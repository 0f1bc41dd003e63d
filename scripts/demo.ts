// The demo behind `npm run demo`: see scripts/demo.sh.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { errorsOf, runAction } from '../support/action-runner.js';
import { exampleContext, hasBusybox } from '../support/contexts.js';
import { startRegistry } from '../support/registry.js';

const platforms = ['linux/amd64', 'linux/arm64', 'linux/s390x', 'linux/ppc64le', 'linux/riscv64'].filter(
  (p) => hasBusybox(p.split('/')[1] ?? ''),
);
const target = await startRegistry();
const context = exampleContext('hello');
try {
  const tag = `${target.address}/demo/hello:latest`;
  console.log(`Building ${platforms.join(', ')} from examples/hello, pushing to ${tag} ...`);
  const run = await runAction({
    platforms: platforms.join(','),
    context,
    tags: tag,
    push: 'true',
    network: 'host',
  });
  if (run.main.exitCode !== 0) {
    console.log(run.main.log);
    throw new Error(`the action failed: ${errorsOf(run.main)}`);
  }
  const digests = JSON.parse(run.outputs['platform-digests'] ?? '{}') as Record<string, string>;
  console.log(`\nIndex ${run.outputs.digest} at ${tag}\n`);
  for (const [platform, digest] of Object.entries(digests)) console.log(`  ${platform.padEnd(15)} ${digest}`);
  const raw = execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${tag}`], {
    encoding: 'utf8',
  });
  const index = JSON.parse(raw) as { manifests: { platform: { os: string; architecture: string } }[] };
  console.log(
    `\nskopeo sees ${index.manifests.length} platforms: ${index.manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`).join(', ')}`,
  );
  console.log(`post step: exit ${run.post.exitCode} (local registry stopped, run directory removed)`);
} finally {
  await target.stop();
  rmSync(context, { recursive: true, force: true });
}
