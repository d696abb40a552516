import { describe, expect, it } from "vitest";
import { EXAMPLE_FLOW } from "../flow/example";
import { clearLocalDraft, localDraftKey, readLocalDraft, sameWork, writeLocalDraft, type LocalDraft } from "./local-draft";

class MemoryStorage implements Storage {
  private items = new Map<string, string>();
  full = false;
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(i: number) {
    return [...this.items.keys()][i] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    if (this.full) throw new DOMException("quota", "QuotaExceededError");
    this.items.set(key, value);
  }
}

const draft = (over: Partial<LocalDraft> = {}): LocalDraft => ({ flowId: "flow_1", baseVersion: 2, doc: EXAMPLE_FLOW, fields: [], savedAt: 1000, ...over });

describe("local drafts", () => {
  it("round-trips a flow's draft under its flow id and base version", () => {
    const storage = new MemoryStorage();
    expect(writeLocalDraft(storage, draft())).toBe(true);
    expect(storage.getItem(localDraftKey("flow_1", 2))).not.toBeNull();
    expect(readLocalDraft(storage, "flow_1")).toEqual(draft());
    expect(readLocalDraft(storage, "flow_2")).toBeNull();
  });

  it("keeps one draft per flow: the newest write replaces older base versions", () => {
    const storage = new MemoryStorage();
    writeLocalDraft(storage, draft({ baseVersion: 2 }));
    writeLocalDraft(storage, draft({ flowId: "flow_other" }));
    writeLocalDraft(storage, draft({ baseVersion: 3, savedAt: 2000 }));
    expect(storage.length).toBe(2);
    expect(readLocalDraft(storage, "flow_1")?.baseVersion).toBe(3);
    clearLocalDraft(storage, "flow_1");
    expect(readLocalDraft(storage, "flow_1")).toBeNull();
    expect(readLocalDraft(storage, "flow_other")).not.toBeNull();
  });

  it("drops entries that don't parse instead of trusting them", () => {
    const storage = new MemoryStorage();
    storage.setItem(localDraftKey("flow_1", 1), "{not json");
    storage.setItem(localDraftKey("flow_1", 2), JSON.stringify({ flowId: "flow_1", doc: "nope" }));
    expect(readLocalDraft(storage, "flow_1")).toBeNull();
    expect(storage.length).toBe(0);
  });

  it("reports a full storage instead of throwing", () => {
    const storage = new MemoryStorage();
    storage.full = true;
    expect(writeLocalDraft(storage, draft())).toBe(false);
  });

  it("compares work by content", () => {
    const copy = JSON.parse(JSON.stringify(EXAMPLE_FLOW));
    expect(sameWork({ doc: EXAMPLE_FLOW, fields: [] }, { doc: copy, fields: [] })).toBe(true);
    expect(sameWork({ doc: EXAMPLE_FLOW, fields: [] }, { doc: { ...copy, name: "x" }, fields: [] })).toBe(false);
  });
});
