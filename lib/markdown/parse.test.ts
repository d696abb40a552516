import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { inlineText, parseInline, parseMarkdown, type Block, type Inline } from "./parse";

describe("parseMarkdown", () => {
  it("reads headings, paragraphs, lists, quotes, rules and fenced code", () => {
    const blocks = parseMarkdown(
      [
        "# Plan",
        "",
        "First we **read** the code,",
        "then we `edit` it.",
        "",
        "- one",
        "- two",
        "  continued",
        "",
        "3. three",
        "4. four",
        "",
        "> quoted *text*",
        "",
        "---",
        "```ts",
        "const x = 1 < 2;",
        "```",
      ].join("\n"),
    );
    expect(blocks.map((b) => b.type)).toEqual(["heading", "paragraph", "list", "list", "quote", "rule", "code"]);
    expect(blocks[0]).toMatchObject({ level: 1, children: [{ type: "text", text: "Plan" }] });
    expect(blocks[1]).toMatchObject({
      children: [
        { type: "text", text: "First we " },
        { type: "strong", children: [{ type: "text", text: "read" }] },
        { type: "text", text: " the code,\nthen we " },
        { type: "code", text: "edit" },
        { type: "text", text: " it." },
      ],
    });
    expect(blocks[2]).toMatchObject({ ordered: false, items: [[{ text: "one" }], [{ text: "two continued" }]] });
    expect(blocks[3]).toMatchObject({ ordered: true, start: 3 });
    expect(blocks[6]).toEqual({ type: "code", language: "ts", text: "const x = 1 < 2;" });
  });

  it("runs an unclosed fence to the end while output is still streaming", () => {
    expect(parseMarkdown("Intro\n```\nline 1\nline 2")).toEqual([
      { type: "paragraph", children: [{ type: "text", text: "Intro" }] },
      { type: "code", language: "", text: "line 1\nline 2" },
    ]);
  });

  it("keeps raw HTML and javascript links as text", () => {
    const [paragraph] = parseMarkdown('<script>alert(1)</script> [click](javascript:void)');
    expect(paragraph).toEqual({
      type: "paragraph",
      children: [
        { type: "text", text: "<script>alert(1)</script> " },
        { type: "link", children: [{ type: "text", text: "click" }], href: "javascript:void" },
      ],
    });
  });
});

describe("parseInline", () => {
  it("reads emphasis, leaves snake_case and lone delimiters alone, honours escapes", () => {
    expect(parseInline("a *b* and __c__")).toEqual([
      { type: "text", text: "a " },
      { type: "em", children: [{ type: "text", text: "b" }] },
      { type: "text", text: " and " },
      { type: "strong", children: [{ type: "text", text: "c" }] },
    ]);
    expect(parseInline("snake_case_name and 2 * 3")).toEqual([{ type: "text", text: "snake_case_name and 2 * 3" }]);
    expect(parseInline("\\*not em\\*")).toEqual([{ type: "text", text: "*not em*" }]);
    expect(parseInline("``a ` b``")).toEqual([{ type: "code", text: "a ` b" }]);
  });

  it("never loses or invents visible characters of plain words (property)", () => {
    const word = fc.stringMatching(/^[a-z]{1,6}$/);
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 12 }), (words) => {
        const text = words.join(" ");
        expect(inlineText(parseInline(text))).toBe(text);
      }),
    );
  });

  it("never throws on arbitrary input and only produces known node types (property)", () => {
    const known = (spans: Inline[]): boolean =>
      spans.every((s) => (s.type === "text" || s.type === "code" ? typeof s.text === "string" : known(s.children)));
    const knownBlocks = (blocks: Block[]): boolean =>
      blocks.every((b) =>
        b.type === "quote" ? knownBlocks(b.children) : b.type === "list" ? b.items.every(known) : "children" in b ? known(b.children) : true,
      );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        expect(knownBlocks(parseMarkdown(text))).toBe(true);
      }),
    );
  });
});
