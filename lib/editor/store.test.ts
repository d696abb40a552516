import { afterEach, describe, expect, it, vi } from "vitest";
import type { FlowDocument } from "../flow/document";
import { EXAMPLE_FLOW } from "../flow/example";
import { createNode } from "./document-ops";
import { SYNC_VALIDATION_LIMIT, initialEditorState, issuesStale } from "./editor-state";
import { createEditorStore } from "./store";

afterEach(() => vi.useRealTimers());

describe("editor store", () => {
  it("notifies subscribers on change only", () => {
    const store = createEditorStore(initialEditorState(EXAMPLE_FLOW, 1));
    const listener = vi.fn();
    const unsubscribe = store.subscribe(listener);
    store.dispatch({ type: "undo" });
    expect(listener).not.toHaveBeenCalled();
    store.dispatch({ type: "set-flow-name", name: "x" });
    expect(listener).toHaveBeenCalledTimes(1);
    unsubscribe();
    store.dispatch({ type: "set-flow-name", name: "y" });
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it("revalidates a large flow once edits pause", () => {
    vi.useFakeTimers();
    const nodes = Array.from({ length: SYNC_VALIDATION_LIMIT + 1 }, (_, i) => createNode("agent", `a${i}`, { x: i, y: 0 }));
    const big: FlowDocument = { name: "big", inputs: [{ name: "task" }], nodes, edges: [] };
    const store = createEditorStore(initialEditorState(big, 1), { revalidateDelayMs: 100 });
    store.dispatch({ type: "set-node-config", id: "a0", config: { profile: "demo", prompt: "{{inputs.x}}" } });
    vi.advanceTimersByTime(60);
    store.dispatch({ type: "set-node-config", id: "a0", config: { profile: "demo", prompt: "{{inputs.xy}}" } });
    vi.advanceTimersByTime(60);
    expect(issuesStale(store.getState())).toBe(true);
    vi.advanceTimersByTime(60);
    expect(issuesStale(store.getState())).toBe(false);
    expect(store.getState().issues.map((i) => i.message)).toEqual(['{{inputs.xy}} refers to unknown input "xy"']);
  });
});
