/**
 * The real engine for test harnesses, with its background work tracked: onRunEnded and
 * sweepFinished remove ended runs' files after the dispatcher moved on (engine.ts), so a
 * harness that closed its database right after its last run would have that work query a
 * closed database and log a failure after the test. `settled()` waits for all of it; call it
 * after stopping the workers and before closing the database. The work never rejects (the
 * Engine contract); if it did, the rejection surfaces there, not hidden.
 */
import type { Engine } from "../contract";
import { engine } from "../engine";

export function trackBackgroundWork(): { engine: Engine; settled(): Promise<void> } {
  const pending: Array<Promise<void>> = [];
  const track = (work: Promise<void>) => {
    pending.push(work);
    return work;
  };
  return {
    engine: {
      ...engine,
      onRunEnded: (...args) => track(engine.onRunEnded(...args)),
      sweepFinished: (...args) => track(engine.sweepFinished(...args)),
    },
    async settled() {
      // Work may start more work while we wait (it doesn't today): wait until none is left.
      while (pending.length > 0) await Promise.all(pending.splice(0));
    },
  };
}
