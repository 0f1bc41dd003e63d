// Entry only: main or post. Known failures are one line; anything else is a bug.
import * as core from '@actions/core';
import { ActionError, ExecError, HttpError } from './errors.js';
import { isPost, runMain, runPost } from './action.js';

function report(err: unknown): void {
  if (err instanceof ActionError || err instanceof HttpError || err instanceof ExecError) {
    core.setFailed(err.message);
  } else {
    core.setFailed(`Unexpected error: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (err instanceof Error && err.stack) core.debug(err.stack);
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
  try {
    await runMain();
  } catch (err) {
    report(err);
  }
}

void main();
