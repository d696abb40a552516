/**
 * Bounded waiting: re-read a value until it is done, the time is up, or the caller goes away.
 * Wake-ups come from a subscription (NOTIFY on the run's events) and from a poll timer, so a
 * missed notification only costs one poll interval. The answer always says `timedOut`.
 */
export interface WaitOptions<T> {
  load: () => Promise<T>;
  isDone: (value: T) => boolean;
  timeoutMs: number;
  pollMs: number;
  /** Registers a wake-up callback; returns the unsubscribe function. */
  subscribe?: (wake: () => void) => () => void;
  /** The client cancelled the request: stop waiting, answer with what we have. */
  signal?: AbortSignal;
  /** Called after every load that is not done yet (progress notifications). */
  onPending?: (value: T, elapsedMs: number) => Promise<void> | void;
  now?: () => number;
}

export interface WaitResult<T> {
  value: T;
  timedOut: boolean;
  waitedMs: number;
}

export async function waitUntil<T>(options: WaitOptions<T>): Promise<WaitResult<T>> {
  const now = options.now ?? Date.now;
  const started = now();
  let wake: (() => void) | null = null;
  // A wake-up that arrives between a load and the sleep must not be lost: remember it.
  let woken = false;
  const nudge = () => {
    woken = true;
    wake?.();
  };
  const unsubscribe = options.subscribe?.(nudge) ?? (() => {});
  options.signal?.addEventListener("abort", nudge);
  try {
    for (;;) {
      woken = false;
      const value = await options.load();
      const elapsed = now() - started;
      if (options.isDone(value)) return { value, timedOut: false, waitedMs: elapsed };
      if (elapsed >= options.timeoutMs || options.signal?.aborted) return { value, timedOut: true, waitedMs: elapsed };
      await options.onPending?.(value, elapsed);
      if (woken) continue;
      const delay = Math.min(options.pollMs, options.timeoutMs - elapsed);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(finish, delay);
        function finish() {
          clearTimeout(timer);
          wake = null;
          resolve();
        }
        wake = finish;
      });
    }
  } finally {
    unsubscribe();
    options.signal?.removeEventListener("abort", nudge);
  }
}
