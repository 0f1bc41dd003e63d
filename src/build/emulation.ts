// The emulation phase: set up QEMU for the platforms, log per platform, then
// record outputs and summary before failing, naming every platform that cannot run.
import * as core from '@actions/core';
import { ActionError } from '../errors.js';
import type { Inputs } from '../inputs/validate.js';
import { setupEmulation, type EmulationReport } from '../qemu/setup.js';
import { writeEmulationSummary } from '../summary.js';

export async function registerEmulators(inputs: Inputs, workDir: string): Promise<EmulationReport> {
  const report = await setupEmulation(inputs.platforms, {
    mode: inputs.qemu,
    image: inputs.qemuImage,
    fallbackImage: inputs.qemuFallbackImage,
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
  const list = (how: string) =>
    report.results
      .filter((r) => r.how === how)
      .map((r) => r.platform)
      .join(',');
  core.setOutput('emulated-platforms', list('emulated'));
  core.setOutput('native-platforms', list('native'));
  await writeEmulationSummary(report.results);
  if (report.errors.length > 0) throw new ActionError(report.errors.join('\n'));
}
