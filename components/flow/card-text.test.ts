import { describe, expect, it } from "vitest";
import { ellipsize, wrapLines } from "./card-text";

describe("card text", () => {
  it("ellipsizes only what is too long", () => {
    expect(ellipsize("abc", 3)).toBe("abc");
    expect(ellipsize("abcdef", 4)).toBe("abc…");
    expect(ellipsize("abc", 0)).toBe("");
  });

  it("wraps at spaces, breaks long words, and marks cut text", () => {
    expect(wrapLines("one two three", 7, 3)).toEqual(["one two", "three"]);
    expect(wrapLines("abcdefghij", 4, 3)).toEqual(["abcd", "efgh", "ij"]);
    expect(wrapLines("aa bb cc dd ee", 5, 2)).toEqual(["aa bb", "cc d…"]);
    expect(wrapLines("first\nsecond", 20, 3)).toEqual(["first", "second"]);
    expect(wrapLines("a b", 5, 3)).toEqual(["a b"]);
    expect(wrapLines("", 5, 3)).toEqual([]);
  });

  it("never returns a line longer than a line's width", () => {
    const text = "Continue from {{steps.n245.output}} and then some more words to wrap around here";
    for (const line of wrapLines(text, 32, 3)) expect(line.length).toBeLessThanOrEqual(32);
  });
});
