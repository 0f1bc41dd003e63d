// Entry only: main or post. Known failures are one line; anything else is a bug.
import * as core from '@actions/core';
import { ActionError, ExecError, HttpError } from './errors.js';
import { isPost, runMain, runPost } from './action.js';
import { cancel } from './cancel.js';

function report(err: unknown): void {
  if (err instanceof ActionError || err instanceof HttpError || err instanceof ExecError) {
    core.setFailed(err.message);
  } else {
    core.setFailed(`Unexpected error: ${err instanceof Error ? err.message : String(err)}`);
  }
  // dist/ is unminified and ships index.js.map, but registers no source-map
  // hook at run time: the hook parsed the 2.9 MB map whenever undici formatted
  // an error stack (~30 MB and ~0.25 s per run). Stacks name dist/index.js lines.
  if (err instanceof Error && err.stack) core.debug(err.stack);
}

/** The runner cancels with SIGINT then SIGTERM: stop the builds and uploads, push nothing more, let post clean up. */
function handleCancellation(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      core.error(`Cancelled by ${signal}: stopping running builds and uploads; nothing more will be pushed.`);
      cancel(signal);
    });
  }
}

async function main(): Promise<void> {
  if (isPost()) {
    try {
      await runPost();
    } catch (err) {
      core.warning(`Cleanup failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    return;
  }
  handleCancellation();
  try {
    await runMain();
  } catch (err) {
    report(err);
    // The step is over: a connect still trying a host that never answered (its request given
    // up, undici's 30 s connect timer still running) must not hold the failed step open.
    process.exit(1);
  }
}

void main();
