// Property tests over random flows mixing agents, arenas (every select mode) and approvals,
// driven by a simulated scheduler and a simulated person who approves and picks winners.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FlowDocument, FlowNode } from "../flow/document";
import type { SelectMode } from "../kinds/arena/definition";
import { plan } from "./plan";
import { initialRunState } from "./initial-state";
import { reduce, type RunEvent } from "./reducer";
import { isTerminalStep, type RunState } from "./run-state";

const MODES: SelectMode[] = ["first", "check", "judge", "manual"];

const flowArbitrary = fc
  .integer({ min: 1, max: 8 })
  .chain((n) =>
    fc.record({
      kinds: fc.array(fc.constantFrom("agent", "arena", "approval"), { minLength: n, maxLength: n }),
      modes: fc.array(fc.constantFrom(...MODES), { minLength: n, maxLength: n }),
      contestants: fc.array(fc.integer({ min: 2, max: 4 }), { minLength: n, maxLength: n }),
      pairs: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n * 2 }),
      failures: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
      choices: fc.array(fc.nat(), { minLength: 64, maxLength: 64 }),
    }),
  )
  .map(({ kinds, modes, contestants, pairs, failures, choices }) => {
    const edges = new Map<string, { from: string; to: string }>();
    for (const [x, y] of pairs) {
      if (x === y) continue;
      const [a, b] = [Math.min(x, y), Math.max(x, y)];
      edges.set(`${a}-${b}`, { from: `n${a}`, to: `n${b}` });
    }
    const hasParent = new Set([...edges.values()].map((e) => e.to));
    const nodes: FlowNode[] = kinds.map((kind, i): FlowNode => {
      const id = `n${i}`;
      // Approvals need an input; a root approval becomes an agent.
      if (kind === "approval" && hasParent.has(id)) return { id, kind: "approval", config: {} };
      if (kind === "arena") {
        return {
          id,
          kind: "arena",
          config: { prompt: "p", contestants: Array.from({ length: contestants[i] }, () => ({ profile: "demo" })), select: { mode: modes[i] } },
        };
      }
      return { id, kind: "agent", config: { profile: "demo", prompt: "p" } };
    });
    const document: FlowDocument = { name: "mixed", inputs: [], nodes, edges: [...edges.values()] };
    return { document, failures, choices };
  });

function apply(state: RunState, event: RunEvent): RunState {
  const result = reduce(state, event);
  if (result.rejected) throw new Error(`${event.type}: ${result.rejected}`);
  return result.state;
}

describe("reducer properties over random flows with arenas and approvals", () => {
  it("never starts a step twice or early, and always ends with every step terminal", () => {
    fc.assert(
      fc.property(flowArbitrary, ({ document, failures, choices }) => {
        let state = apply(initialRunState(plan(document, {})), { type: "settle" });
        const started = new Set<string>();
        let tick = 0;
        const pick = <T>(list: T[]) => list[choices[tick++ % choices.length] % list.length];
        const fails = (key: string) => failures[[...key].reduce((h, c) => h * 31 + c.charCodeAt(0), 7) % failures.length];
        for (let guard = 0; guard < 2000 && !state.finished; guard++) {
          const byKey = new Map(state.steps.map((s) => [s.key, s]));
          const ready = state.steps.filter((s) => s.state === "ready");
          const running = state.steps.filter((s) => s.state === "running");
          const waiting = state.steps.filter((s) => s.state === "waiting");
          if (ready.length > 0 && (running.length === 0 || pick([true, false]))) {
            const s = pick(ready);
            expect(started.has(s.key)).toBe(false);
            if (s.role === "select") {
              const contestants = s.dependsOn.map((k) => byKey.get(k)!);
              expect(contestants.some((c) => c.state === "succeeded")).toBe(true);
              if (s.selectMode !== "first") expect(contestants.every((c) => isTerminalStep(c.state))).toBe(true);
            } else {
              for (const dep of s.dependsOn) expect(byKey.get(dep)!.state).toBe("succeeded");
            }
            started.add(s.key);
            state = apply(state, { type: "step-started", key: s.key });
          } else if (running.length > 0) {
            const s = pick(running);
            const waits = s.kind === "approval" || (s.role === "select" && s.selectMode === "manual");
            const outcome = s.cancelRequested ? "canceled" : waits ? "waiting" : s.role !== "select" && fails(s.key) ? "failed" : "succeeded";
            state = apply(state, { type: "step-finished", key: s.key, state: outcome });
          } else if (waiting.length > 0) {
            const s = pick(waiting);
            if (s.kind === "approval") state = apply(state, { type: "approve", key: s.key });
            else {
              const winner = pick(s.dependsOn.filter((k) => byKey.get(k)!.state === "succeeded"));
              state = apply(state, { type: "select-winner", key: s.key, winner });
            }
          } else break;
        }
        expect(state.finished).toBe(true);
        expect(state.steps.every((s) => isTerminalStep(s.state))).toBe(true);
        const blocking = state.steps.filter((s) => s.role !== "contestant" && s.state !== "succeeded");
        expect(state.status).toBe(blocking.length === 0 ? "succeeded" : "failed");
      }),
      { numRuns: 300 },
    );
  });
});
