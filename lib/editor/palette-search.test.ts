import { describe, expect, it } from "vitest";
import { NODE_KINDS } from "../kinds";
import { paletteMatches } from "./palette-search";

describe("palette search", () => {
  it("matches names and descriptions, every word, names first", () => {
    expect(paletteMatches("").map((e) => e.kind)).toEqual([...NODE_KINDS]);
    expect(paletteMatches("ARENA").map((e) => e.kind)).toEqual(["arena"]);
    // "person" is only in the approval's description.
    expect(paletteMatches("person").map((e) => e.kind)).toEqual(["approval"]);
    expect(paletteMatches("agent").map((e) => e.kind)[0]).toBe("agent");
    expect(paletteMatches("exit code").map((e) => e.kind)).toEqual(["check"]);
    expect(paletteMatches("zzz")).toEqual([]);
  });
});
