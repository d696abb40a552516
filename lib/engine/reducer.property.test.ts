// Property tests over random DAGs of agent steps, driven by a simulated scheduler that
// starts any ready step in a random order and finishes it with a scripted outcome.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FlowDocument } from "../flow/document";
import { plan } from "./plan";
import { initialRunState } from "./initial-state";
import { reduce, type RunEvent } from "./reducer";
import { descendantKeys, type RunState } from "./run-state";

interface Scenario {
  document: FlowDocument;
  fails: Set<string>;
}

// Edges only go from a lower to a higher index, so every generated graph is acyclic.
const scenario = fc
  .integer({ min: 1, max: 14 })
  .chain((n) =>
    fc.record({
      n: fc.constant(n),
      edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n * 2 }),
      fails: fc.uniqueArray(fc.nat(n - 1), { maxLength: n }),
      choices: fc.array(fc.nat(), { minLength: 64, maxLength: 64 }),
    }),
  )
  .map(({ n, edges: pairs, fails, choices }) => {
    const edges = new Map<string, [number, number]>();
    for (const [x, y] of pairs) if (x !== y) edges.set(`${Math.min(x, y)}-${Math.max(x, y)}`, [Math.min(x, y), Math.max(x, y)]);
    return {
    s: {
      document: {
        name: "random",
        inputs: [],
        nodes: Array.from({ length: n }, (_, i) => ({ id: `n${i}`, kind: "agent" as const, config: { profile: "demo", prompt: "p" } })),
        edges: [...edges.values()].map(([a, b]) => ({ from: `n${a}`, to: `n${b}` })),
      },
      fails: new Set(fails.map((i) => `n${i}`)),
    } satisfies Scenario,
    choices,
    };
  });

function step(state: RunState, event: RunEvent): RunState {
  const result = reduce(state, event);
  if (result.rejected) throw new Error(result.rejected);
  return result.state;
}

describe("reducer properties over random DAGs", () => {
  it("runs each step once, after its dependencies; a failure skips exactly its descendants; the run terminates", () => {
    fc.assert(
      fc.property(scenario, ({ s, choices }) => {
        let state = step(initialRunState(plan(s.document, {})), { type: "settle" });
        const started: string[] = [];
        const done = new Set<string>();
        const running: string[] = [];
        for (let tick = 0; tick < 1000; tick++) {
          const ready = state.steps.filter((x) => x.state === "ready").map((x) => x.key);
          const choice = choices[tick % choices.length];
          // Either start a ready step or finish a running one, in a random interleaving.
          if (ready.length > 0 && (running.length === 0 || choice % 2 === 0)) {
            const key = ready[choice % ready.length];
            const deps = state.steps.find((x) => x.key === key)!.dependsOn;
            for (const dep of deps) expect(done.has(dep)).toBe(true);
            expect(started).not.toContain(key);
            started.push(key);
            running.push(key);
            state = step(state, { type: "step-started", key });
          } else if (running.length > 0) {
            const key = running.splice(choice % running.length, 1)[0];
            const outcome = s.fails.has(key) ? "failed" : "succeeded";
            if (outcome === "succeeded") done.add(key);
            state = step(state, { type: "step-finished", key, state: outcome });
          } else break;
        }
        expect(state.finished).toBe(true);
        const failed = new Set(state.steps.filter((x) => x.state === "failed").map((x) => x.key));
        const expectedSkipped = new Set<string>();
        for (const key of failed) for (const d of descendantKeys(state.steps, key)) expectedSkipped.add(d);
        const skipped = new Set(state.steps.filter((x) => x.state === "skipped").map((x) => x.key));
        expect(skipped).toEqual(expectedSkipped);
        for (const x of state.steps) {
          if (!failed.has(x.key) && !skipped.has(x.key)) expect(x.state).toBe("succeeded");
        }
        expect(state.status).toBe(failed.size > 0 ? "failed" : "succeeded");
      }),
      { numRuns: 300 },
    );
  });

  it("re-running any failed step of a finished run completes it without re-running unaffected steps", () => {
    fc.assert(
      fc.property(scenario, ({ s }) => {
        const runAll = (initial: RunState, fails: Set<string>, startedCount: Map<string, number>) => {
          let state = initial;
          for (;;) {
            const ready = state.steps.find((x) => x.state === "ready");
            if (!ready) return state;
            startedCount.set(ready.key, (startedCount.get(ready.key) ?? 0) + 1);
            state = step(state, { type: "step-started", key: ready.key });
            state = step(state, { type: "step-finished", key: ready.key, state: fails.has(ready.key) ? "failed" : "succeeded" });
          }
        };
        const counts = new Map<string, number>();
        let state = runAll(step(initialRunState(plan(s.document, {})), { type: "settle" }), s.fails, counts);
        expect(state.finished).toBe(true);
        // Heal failures one at a time, always re-running a failed step whose inputs all succeeded.
        for (let guard = 0; guard < 50 && state.status === "failed"; guard++) {
          const target = state.steps.find((x) => x.state === "failed")!;
          const before = new Map(counts);
          const affected = descendantKeys(state.steps, target.key);
          state = runAll(step(state, { type: "rerun-step", key: target.key }), new Set(), counts);
          for (const [key, n] of counts) {
            if (key !== target.key && !affected.has(key)) expect(n).toBe(before.get(key) ?? 0);
          }
        }
        expect(state.status).toBe("succeeded");
        expect(state.steps.every((x) => x.state === "succeeded")).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
