/**
 * The reducer's view of recently advanced runs, remembered by this process so a completion
 * need not re-read every step of its run (O(steps) per completion: a 200-step chain read
 * 200 rows 200 times).
 *
 * Validity rests on runs.version: every transaction that takes a run's lock to change its
 * steps or status increments it (completions, people's actions, rescues that end a step).
 * An entry (run, V) is stored only after the transaction that wrote version V committed,
 * holding the state that transaction left. A later completion that locks the run and gets
 * version V + 1 knows no other locker committed in between, so the entry plus the steps
 * that completion changed is the run's state. Any other version → read the database.
 *
 * What can change without the run's lock, and why the entry stays good for "settle":
 * - a claim (ready → running, attempt + 1), a rescue that retries (running → ready), a
 *   graceful release (running → ready): settle treats ready and running alike (both keep the
 *   run running; a select's losers in either state are stopped, and apply-commands asks a
 *   step claimed after the read to stop), and attempts only matter for retries, which the
 *   dispatcher decides (a persisted failure is final: `retryable` is false as when loaded).
 * An entry is not stored when the database may differ from the reduced state in any other
 * way (apply-commands skipped a transition: see Applied.exact).
 *
 * Bounded: the least recently stored runs are forgotten past MAX_RUNS.
 */
import type { StepChange } from "./contract";
import { inheritOrder, type RunState } from "./run-state";

const MAX_RUNS = 1_000;
/** As load-run-state reads errors. */
const ERROR_CHARS = 500;

interface Entry {
  version: number;
  state: RunState;
}

export class RunStateCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxRuns = MAX_RUNS) {}

  /** The state the transaction that wrote `version` left, if this process stored it. */
  get(runId: string, version: number): RunState | undefined {
    const entry = this.entries.get(runId);
    return entry && entry.version === version ? entry.state : undefined;
  }

  /** The newest state this process stored for the run, with its version. */
  latest(runId: string): { version: number; state: RunState } | undefined {
    return this.entries.get(runId);
  }

  /** After the commit of the transaction that wrote `version` and left `state`. */
  put(runId: string, version: number, state: RunState): void {
    const current = this.entries.get(runId);
    // Two completions of one run can commit in either order here; keep the newer.
    if (current && current.version > version) return;
    this.entries.delete(runId);
    this.entries.set(runId, { version, state: asLoaded(state) });
    if (this.entries.size > this.maxRuns) this.entries.delete(this.entries.keys().next().value!);
  }

  forget(runId: string): void {
    this.entries.delete(runId);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Pure: the state as load-run-state would read it back (a persisted failure is final). */
function asLoaded(state: RunState): RunState {
  // The usual case (a settle's result) already reads back as stored: no copy.
  if (state.steps.every((s) => !s.retryable && (s.error === null || s.error.length <= ERROR_CHARS))) return state;
  return inheritOrder(state, {
    status: state.status,
    finished: state.finished,
    steps: state.steps.map((s) => ({
      ...s,
      retryable: false,
      error: s.error === null ? null : s.error.slice(0, ERROR_CHARS),
    })),
  });
}

/** Pure: `state` with the steps a completion changed replaced by what it wrote. */
export function withChanges(state: RunState, changed: readonly StepChange[]): RunState {
  const byId = new Map(changed.map((c) => [c.id, c]));
  return inheritOrder(state, {
    ...state,
    steps: state.steps.map((s) => {
      const c = byId.get(s.id);
      if (!c) return s;
      return {
        ...s,
        state: c.state,
        error: c.error,
        attempt: c.attempt,
        maxAttempts: c.maxAttempts,
        cancelRequested: c.cancelRequested,
        retryable: false,
      };
    }),
  });
}

/** The process's cache (the engine is a module-level singleton too). */
export const runStateCache = new RunStateCache();
