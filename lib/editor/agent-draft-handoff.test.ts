import { describe, expect, it } from "vitest";
import { clearNewFlowDraft, readNewFlowDraft, stashNewFlowDraft } from "./agent-draft-handoff";

/** The part of the Web Storage API the handoff uses, over a Map. */
function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, String(value)),
  };
}

describe("the flows page's draft for /flows/new", () => {
  it("is read as often as the page opens (a reload shows it again) until it is cleared; a newer draft replaces it", () => {
    const storage = memoryStorage();
    expect(readNewFlowDraft(storage)).toBeNull();
    stashNewFlowDraft(storage, { doc: { name: "first" } });
    expect(readNewFlowDraft(storage)).toEqual({ doc: { name: "first" } });
    expect(readNewFlowDraft(storage)).toEqual({ doc: { name: "first" } });
    stashNewFlowDraft(storage, { doc: { name: "second" } });
    expect(readNewFlowDraft(storage)).toEqual({ doc: { name: "second" } });
    clearNewFlowDraft(storage);
    expect(readNewFlowDraft(storage)).toBeNull();
    expect(storage.length).toBe(0);
  });

  it("an unreadable copy is no draft", () => {
    const storage = memoryStorage();
    storage.setItem("baton.agent-draft.new-flow", "{not json");
    expect(readNewFlowDraft(storage)).toBeNull();
  });
});
