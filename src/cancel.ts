// Cancellation: the runner cancels a job with SIGINT, then SIGTERM. Once
// cancelled, running commands are stopped and nothing more is pushed.
import { ActionError } from './errors.js';

let cancelledBy: string | undefined;
const listeners = new Set<(signal: NodeJS.Signals) => void>();

export function cancel(signal: NodeJS.Signals): void {
  cancelledBy ??= signal;
  for (const l of listeners) l(signal);
}

export function onCancel(listener: (signal: NodeJS.Signals) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function throwIfCancelled(what: string): void {
  if (cancelledBy) throw new ActionError(`Cancelled by ${cancelledBy} before ${what}; nothing was pushed.`);
}
