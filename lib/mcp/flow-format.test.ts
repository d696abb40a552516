/**
 * The format description is generated from the kind registry's own schemas: every config
 * field of every kind (nested ones too) must appear in both the structured description and
 * its text, so a field added to a kind without reaching conductor models fails here.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { KIND_DEFINITIONS as NODE_KIND_SPECS, NODE_KINDS, kindsOffering } from "../kinds";
import { EVERY_STEP_FIELDS, STEP_FIELDS } from "../flow/template";
import { validateFlow } from "../flow/validate";
import { fieldLines, flowFormat, flowFormatText, type ProfileSummary } from "./flow-format";

const PROFILES: ProfileSummary[] = [
  { id: "demo", label: "Demo agent", backend: "demo", enabled: true, available: true, model: null, nodeOptions: ["delayMs", "failTimes"] },
  { id: "claude", label: "Claude Code", backend: "acp", enabled: true, available: false, reason: "claude-agent-acp not found on PATH", model: "sonnet", nodeOptions: ["mode"] },
];

/** Every field path of a zod object schema, nested objects and arrays of objects included. */
function fieldPaths(schema: z.ZodType, prefix = ""): string[] {
  let inner: z.ZodType = schema;
  for (;;) {
    const def = (inner as unknown as { def: { innerType?: z.ZodType; element?: z.ZodType } }).def;
    if (def.innerType) inner = def.innerType;
    else if (inner instanceof z.ZodArray) inner = def.element!;
    else break;
  }
  if (!(inner instanceof z.ZodObject)) return [];
  return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([key, field]) => [`${prefix}${key}`, ...fieldPaths(field, `${prefix}${key}.`)]);
}

/** The kind's section of the text: from its heading to the next. */
function sectionOf(text: string, kind: string): string {
  const start = text.indexOf(`### ${kind} — `);
  expect(start, `no section for kind ${kind}`).toBeGreaterThanOrEqual(0);
  const end = text.slice(start + 4).search(/\n##/);
  return end < 0 ? text.slice(start) : text.slice(start, start + 4 + end);
}

describe("describe_flow_format's content", () => {
  const format = flowFormat(PROFILES);
  const text = flowFormatText(format);

  it("describes every node kind the registry has", () => {
    expect(format.nodeKinds.map((kind) => kind.kind)).toEqual([...NODE_KINDS]);
    expect(Object.keys(NODE_KIND_SPECS).sort()).toEqual([...NODE_KINDS].sort());
  });

  it.each(NODE_KINDS)("names every config field of %s, nested ones included, in data and text", (kind) => {
    const paths = fieldPaths(NODE_KIND_SPECS[kind].schema);
    expect(paths.length).toBeGreaterThan(0);
    const described = format.nodeKinds.find((entry) => entry.kind === kind)!;
    const section = sectionOf(text, kind);
    for (const path of paths) {
      let node = described.config as { properties?: Record<string, unknown>; items?: unknown };
      for (const part of path.split(".")) {
        const container = (node.properties ? node : (node.items as typeof node)) ?? {};
        expect(container.properties, `${kind}: ${path}`).toHaveProperty(part);
        node = container.properties![part] as typeof node;
      }
      const depth = path.split(".").length - 1;
      expect(section, `${kind}: ${path} missing from the text`).toContain(`\n${"  ".repeat(depth)}- ${path.split(".").at(-1)}: `);
    }
    expect(section).toContain(NODE_KIND_SPECS[kind].summary);
  });

  it("gives the template syntax with every step field the parser accepts", () => {
    for (const field of STEP_FIELDS) expect(text).toContain(`  - ${field}: `);
    expect(text).toContain("{{inputs.<name>}}");
    expect(text).toContain("{{steps.<nodeId>.<field>}}");
  });

  it("says which kinds offer a step field not every step has, from their definitions", () => {
    const everyStep: readonly string[] = EVERY_STEP_FIELDS;
    for (const field of STEP_FIELDS) {
      const meaning = format.templates.stepFields[field];
      if (everyStep.includes(field)) expect(meaning).not.toContain("only when");
      else expect(meaning.endsWith(` (only when the node is ${kindsOffering(field)})`), meaning).toBe(true);
    }
    expect(text).toContain("  - contestants: the contestants' outputs, one after another (only when the node is an arena)\n");
  });

  it("lists the profiles with their availability, model and node options", () => {
    expect(text).toContain("- demo: Demo agent — backend demo");
    expect(text).toContain("- claude: Claude Code — backend acp");
    expect(text).toContain("NOT available (claude-agent-acp not found on PATH); model sonnet; node options: mode");
  });

  it("ships an example that passes the validator", () => {
    expect(validateFlow(format.example, { profiles: new Set(["demo"]) }).ok).toBe(true);
  });

  it("renders nested objects and constraints", () => {
    const lines = fieldLines({
      type: "object",
      required: ["a"],
      properties: { a: { type: "object", properties: { b: { type: "integer", minimum: 1 } } }, c: { type: "string", enum: ["x", "y"] } },
    });
    expect(lines).toEqual(["- a: object (required)", "  - b: integer (optional, min 1)", '- c: "x" | "y" (optional)']);
  });
});
