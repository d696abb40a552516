import { setTimeout as wait } from "node:timers/promises";

/** Resolves after `ms`, or as soon as `signal` aborts; never rejects. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  // The only rejection timers/promises gives is the abort itself.
  return wait(ms, undefined, { signal }).catch(() => {});
}
