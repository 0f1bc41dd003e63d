// Cancellation: the runner cancels a job with SIGINT, then SIGTERM. Once
// cancelled, running commands are stopped, running requests are aborted
// through one AbortSignal (http.ts passes it to undici), nothing is retried
// and nothing more is pushed.
import { setMaxListeners } from 'node:events';
import { ActionError } from './errors.js';

let cancelledBy: NodeJS.Signals | undefined;
const listeners = new Set<(signal: NodeJS.Signals) => void>();
const controller = new AbortController();
setMaxListeners(0, controller.signal); // every request in flight listens: blob pools, builds, probes

/** Aborted once the job is cancelled: every request of the run carries it. */
export const cancelSignal: AbortSignal = controller.signal;

export function cancel(signal: NodeJS.Signals): void {
  cancelledBy ??= signal;
  for (const l of listeners) l(signal);
  if (!controller.signal.aborted) controller.abort(new ActionError(`Cancelled by ${signal}.`));
}

export function onCancel(listener: (signal: NodeJS.Signals) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The signal that cancelled the run, if any. */
export function cancelledSignal(): NodeJS.Signals | undefined {
  return cancelledBy;
}

export function throwIfCancelled(what: string): void {
  if (cancelledBy) throw new ActionError(`Cancelled by ${cancelledBy} before ${what}.`);
}
