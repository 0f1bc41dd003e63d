// The emulation phase: set up QEMU for the platforms, log per platform, then
// record outputs and summary before failing, naming every platform that cannot run.
import * as core from '@actions/core';
import { ActionError } from '../errors.js';
import { writeEmulationOutputs } from '../publish/outputs.js';
import { setupEmulation, type EmulationReport } from '../qemu/setup.js';
import type { BuildModeOptions } from './options.js';

type EmulationOptions = Pick<BuildModeOptions, 'platforms' | 'qemu' | 'qemuImage' | 'qemuFallbackImage'>;

export async function registerEmulators(
  options: EmulationOptions,
  workDir: string,
): Promise<EmulationReport> {
  const report = await setupEmulation(options.platforms, {
    mode: options.qemu,
    image: options.qemuImage,
    fallbackImage: options.qemuFallbackImage,
    workDir,
  });
  report.notes?.forEach((n) => core.info(n));
  for (const r of report.results) {
    core.info(r.how === 'failed' ? `${r.platform}: failed` : `${r.platform}: ${r.how} (${r.detail})`);
  }
  report.warnings.forEach((w) => core.warning(w));
  return report;
}

/** Outputs and summary first, then fail naming every platform that cannot run. */
export async function recordEmulation(report: EmulationReport): Promise<void> {
  await writeEmulationOutputs(report.results);
  if (report.errors.length > 0) throw new ActionError(report.errors.join('\n'));
}
