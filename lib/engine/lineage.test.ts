import { describe, expect, it } from "vitest";
import { startPointOf, upstreamCommits, type LineageNode } from "./lineage";

const graph = (entries: Record<string, [string | null, string[]]>) =>
  new Map<string, LineageNode>(Object.entries(entries).map(([id, [resultCommit, upstream]]) => [id, { resultCommit, upstream }]));

describe("lineage start points", () => {
  it("starts a root from the base commit, one upstream from its result, several from their merge", () => {
    const nodes = graph({ a: ["c1", []], b: ["c2", []], n: [null, []] });
    expect(startPointOf([], nodes, "base")).toEqual({ commit: "base" });
    expect(startPointOf(["a"], nodes, "base")).toEqual({ commit: "c1" });
    expect(startPointOf(["a", "b"], nodes, "base")).toEqual({ merge: ["c1", "c2"] });
    expect(startPointOf(["b", "a"], nodes, "base")).toEqual({ merge: ["c2", "c1"] });
    expect(startPointOf(["n"], nodes, "base")).toEqual({ commit: "base" });
    expect(startPointOf([], nodes, null)).toBeNull();
  });

  it("walks through nodes without a result commit to the nearest ones, once each", () => {
    // a → approve → x;  b → research(none) → x;  a → x  (diamond: c1 only once)
    const nodes = graph({
      a: ["c1", []],
      b: ["c2", []],
      approve: [null, ["a"]],
      research: [null, ["b"]],
      deep: [null, ["approve", "research"]],
    });
    expect(upstreamCommits(["approve"], nodes)).toEqual(["c1"]);
    expect(upstreamCommits(["approve", "research", "a"], nodes)).toEqual(["c1", "c2"]);
    expect(upstreamCommits(["deep"], nodes)).toEqual(["c1", "c2"]);
    // A node with a commit hides everything above it.
    const hidden = graph({ a: ["c1", []], b: ["c2", ["a"]] });
    expect(upstreamCommits(["b"], hidden)).toEqual(["c2"]);
    // Two upstreams with the same result commit (a check passing its commit through) merge to one.
    expect(startPointOf(["a", "check"], graph({ a: ["c1", []], check: ["c1", ["a"]] }), "base")).toEqual({ commit: "c1" });
  });
});
