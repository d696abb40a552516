/**
 * Property: whatever the order in which a client gets the server's events (with doubled and
 * replayed deliveries) and its snapshots (each read at some moment after it was asked for,
 * arriving before or after later events), the run detail it folds ends equal to the server's
 * final rows in everything the events carry: step state, attempt, winner, error, usage, and
 * the run's status.
 *
 * The server here is a model of the engine's transitions and the events it writes with them
 * (claim, completion with retry, select with its winner, reset by a re-run, promotion, usage
 * reports, run status), mirroring the SQL in lib/dispatch and lib/engine/apply-commands.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyLiveEvents, applyRunEvents, emptyLiveRun, prunePending, withPendingEvents } from "./run-events";
import { runFixture, stepFixture } from "../contract/testing";
import { toRunView, type LiveRun, type RunDetail, type RunEvent, type StepDto } from "./run-types";
import type { RunStatus, StepState } from "../db/schema";

interface ServerStep {
  id: string;
  role: StepDto["role"];
  state: StepState;
  attempt: number;
  winner: string | null;
  error: string | null;
  usage: { totalTokens?: number };
}
interface ServerState {
  status: RunStatus;
  steps: ServerStep[];
}

type Op =
  | { op: "promote"; step: number }
  | { op: "claim"; step: number }
  | { op: "complete"; step: number; outcome: "succeeded" | "failed" | "retry"; pick: number }
  | { op: "reset"; step: number; to: "pending" | "ready" }
  | { op: "usage"; step: number; tokens: number }
  | { op: "run"; status: RunStatus };

const STEPS: Array<Pick<ServerStep, "id" | "role">> = [
  { id: "a", role: "node" },
  { id: "c0", role: "contestant" },
  { id: "c1", role: "contestant" },
  { id: "sel", role: "select" },
];
const TERMINAL: StepState[] = ["succeeded", "failed", "canceled", "skipped"];

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("promote" as const), step: fc.nat(3) }),
  fc.record({ op: fc.constant("claim" as const), step: fc.nat(3) }),
  fc.record({ op: fc.constant("complete" as const), step: fc.nat(3), outcome: fc.constantFrom("succeeded" as const, "failed" as const, "retry" as const), pick: fc.nat(1) }),
  fc.record({ op: fc.constant("reset" as const), step: fc.nat(3), to: fc.constantFrom("pending" as const, "ready" as const) }),
  fc.record({ op: fc.constant("usage" as const), step: fc.nat(3), tokens: fc.integer({ min: 1, max: 500 }) }),
  fc.record({ op: fc.constant("run" as const), status: fc.constantFrom<RunStatus>("running", "waiting", "succeeded", "failed", "canceled") }),
);

/** Runs the ops against the model: every server state after each event, and the events. */
function simulate(ops: readonly Op[]): { states: ServerState[]; events: RunEvent[] } {
  let state: ServerState = {
    status: "running",
    steps: STEPS.map((s) => ({ ...s, state: "pending", attempt: 0, winner: null, error: null, usage: {} })),
  };
  const states: ServerState[] = [state];
  const events: RunEvent[] = [];
  const emit = (next: ServerState, stepId: string | null, attempt: number, type: string, data: Record<string, unknown>) => {
    events.push({ id: events.length + 1, type, runId: "r", stepId, attempt, data, createdAt: new Date(1_000 * (events.length + 1)).toISOString() });
    state = next;
    states.push(next);
  };
  const withStep = (index: number, patch: Partial<ServerStep>): ServerState => ({
    ...state,
    steps: state.steps.with(index, { ...state.steps[index], ...patch }),
  });
  for (const op of ops) {
    if (op.op === "run") {
      if (op.status !== state.status) emit({ ...state, status: op.status }, null, 0, "run-state", { status: op.status });
      continue;
    }
    const s = state.steps[op.step];
    switch (op.op) {
      case "promote":
        if (s.state === "pending") emit(withStep(op.step, { state: "ready" }), s.id, s.attempt, "step-state", { state: "ready", from: "pending" });
        break;
      case "claim":
        if (s.state === "ready") {
          const attempt = s.attempt + 1;
          emit(withStep(op.step, { state: "running", attempt, winner: null, error: null, usage: {} }), s.id, attempt, "step-state", { state: "running", attempt });
        }
        break;
      case "complete": {
        if (s.state !== "running") break;
        const winner = op.outcome === "succeeded" && s.role === "select" ? `c${op.pick}` : null;
        const to: StepState = op.outcome === "retry" ? "ready" : op.outcome;
        const error = op.outcome === "succeeded" ? null : `boom ${s.attempt}`;
        emit(withStep(op.step, { state: to, winner, error }), s.id, s.attempt, "step-state", {
          state: to,
          attempt: s.attempt,
          ...(error ? { error } : {}),
          ...(winner ? { winner } : {}),
        });
        break;
      }
      case "reset":
        if (TERMINAL.includes(s.state)) {
          emit(withStep(op.step, { state: op.to, winner: null, error: null, usage: {} }), s.id, s.attempt, "step-state", { state: op.to, from: s.state, reset: true });
        }
        break;
      case "usage":
        if (s.state === "running") emit(withStep(op.step, { usage: { totalTokens: op.tokens } }), s.id, s.attempt, "usage-report", { usage: { totalTokens: op.tokens } });
        break;
    }
  }
  return { states, events };
}

function stepDto(s: ServerStep): StepDto {
  return stepFixture({
    id: s.id,
    key: s.id,
    nodeId: s.role === "node" ? "a" : "race",
    role: s.role,
    state: s.state,
    attempt: s.attempt,
    maxAttempts: 3,
    error: s.error,
    usage: s.usage,
    winner: s.winner,
  });
}

/** What the Run API returns when read after `cursor` events committed. */
function snapshotAt(states: readonly ServerState[], cursor: number): RunDetail {
  const state = states[cursor];
  return toRunView(
    runFixture(state.steps.map(stepDto), { id: "r", flowId: "f", flowName: "F", status: state.status, startedAt: null, eventCursor: cursor }),
  );
}

const carried = (detail: RunDetail) => ({
  status: detail.status,
  steps: detail.steps.map((s) => ({ id: s.id, state: s.state, attempt: s.attempt, winner: s.winner, error: s.error, usage: s.usage })),
});

/** A client's schedule: after each delivered event, maybe a doubled delivery and maybe a fetch. */
const scheduleArb = fc.array(
  fc.record({ replay: fc.nat(5), double: fc.boolean(), fetch: fc.boolean(), readAfter: fc.nat(20), arriveAfter: fc.nat(20) }),
  { maxLength: 120 },
);

describe("live run detail (property)", () => {
  it("ends equal to the server's rows whatever the order of events and snapshots", () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 120 }), scheduleArb, fc.nat(30), (ops, schedule, start) => {
        const { states, events } = simulate(ops);
        const n = events.length;
        // The page opens on a snapshot read at some point, then streams from the start.
        const first = Math.min(start, n);
        let detail = snapshotAt(states, first);
        let live: LiveRun = emptyLiveRun();
        let inFlight: { readAt: number; arriveAt: number } | null = null;
        let lastRead = first;
        const deliver = (batch: RunEvent[]) => {
          detail = applyRunEvents(detail, batch);
          live = prunePending(applyLiveEvents(live, batch), detail.snapshotCursor);
        };
        for (let received = 1; received <= n; received++) {
          const plan = schedule[received % Math.max(1, schedule.length)] ?? { replay: 0, double: false, fetch: false, readAfter: 0, arriveAfter: 0 };
          // A reconnect replays a few events already seen; a doubled delivery repeats one.
          const from = Math.max(0, received - 1 - plan.replay);
          deliver(events.slice(from, received));
          if (plan.double) deliver([events[received - 1]]);
          if (inFlight && inFlight.arriveAt <= received) {
            detail = withPendingEvents(snapshotAt(states, inFlight.readAt), live);
            inFlight = null;
          }
          // A state change asks for a refetch; a newer request supersedes one in flight.
          // Reads happen in request order, so a snapshot is never older than the one before it.
          if (plan.fetch) {
            inFlight = { readAt: Math.max(lastRead, Math.min(n, received + plan.readAfter)), arriveAt: received + plan.arriveAfter };
            lastRead = inFlight.readAt;
          }
        }
        if (inFlight) detail = withPendingEvents(snapshotAt(states, inFlight.readAt), live);
        expect(carried(detail)).toEqual(carried(snapshotAt(states, n)));
      }),
      { numRuns: 1000 },
    );
  });
});
