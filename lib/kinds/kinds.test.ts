/**
 * The kind list's invariants: a new node of any kind is valid as created, and every step a
 * kind plans reads back from the database (JSON) with the step-spec union unchanged — a spec
 * that didn't would fail its step at execution ("step spec is invalid").
 */
import { describe, expect, it } from "vitest";
import { EVERY_STEP_FIELDS, STEP_FIELDS } from "../flow/template";
import { KINDS, NODE_KINDS, definitionOf, kindDefinition, kindsOffering, rerunChangesOf, stepSpecSchema, type NodeKind } from ".";

/** Configs beyond the defaults that plan into other step shapes. */
const VARIANTS: Array<[NodeKind, Record<string, unknown>]> = [
  ["agent", { profile: "demo", model: "m", prompt: "p", timeoutSec: 5, retries: 2, workspace: "none", options: { delayMs: 1 } }],
  ["arena", { prompt: "p", contestants: [{ profile: "demo" }, { profile: "b", model: "m" }], select: { mode: "judge", profile: "j", prompt: "pick" } }],
  ["arena", { prompt: "p", contestants: [{ profile: "demo" }, { profile: "demo" }], select: { mode: "check", command: ["npm", "test"] } }],
  ["arena", { prompt: "p", contestants: [{ profile: "demo" }, { profile: "demo" }], select: { mode: "manual" } }],
  ["fold", { mode: "agent", profile: "demo", prompt: "sum up", options: { delayMs: 1 } }],
  ["fold", { mode: "concat", separator: "---" }],
  ["check", { command: ["true"], timeoutSec: 9 }],
  ["approval", {}],
  ["loop", { profile: "demo", model: "m", prompt: "p", check: { command: ["npm", "test"] }, maxRounds: 5, roundTimeoutSec: 60, retries: 1, options: { delayMs: 1 } }],
  ["loop", { profile: "demo", prompt: "p", check: { command: ["true"] } }],
];

describe("the kind list", () => {
  it("names each kind once", () => {
    expect(new Set(NODE_KINDS).size).toBe(KINDS.length);
  });

  it.each(KINDS.map((k) => k.kind))("%s: a new node's defaults pass its schema and its rules", (kind) => {
    const definition = kindDefinition(kind);
    const defaults = definition.defaults();
    expect(definition.schema.safeParse(defaults).success).toBe(true);
    expect(definition.rules(defaults)).toEqual([]);
  });

  const configs: Array<[NodeKind, unknown]> = [...KINDS.map((k): [NodeKind, unknown] => [k.kind, k.defaults()]), ...VARIANTS];
  it.each(configs)("%s: every planned step reads back with the step-spec union unchanged (%j)", (kind, config) => {
    const definition = kindDefinition(kind);
    const steps = definition.plan({ id: "n", config: definition.schema.parse(config) }, ["up"]);
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) {
      expect(step.kind).toBe(kind);
      expect(step.spec.kind).toBe(kind);
      expect(step.spec.role).toBe(step.role);
      const stored = JSON.parse(JSON.stringify(step.spec));
      expect(stepSpecSchema.parse(stored)).toEqual(stored);
    }
    // Other nodes depend on the node id: some step of the node has it as its key.
    expect(steps.map((s) => s.key)).toContain("n");
  });

  it.each(configs)("%s: a run's steps as planned carry the node's own config back (%j)", (kind, config) => {
    const definition = kindDefinition(kind);
    const parsed = definition.schema.parse(config) as Record<string, unknown>;
    const steps = definition.plan({ id: "n", config: parsed }, ["up"]).map((s) => ({ key: s.key, role: s.role, spec: JSON.parse(JSON.stringify(s.spec)) }));
    expect(definition.runConfig(parsed, steps)).toBeUndefined();
  });
});

describe("what the run treats by kind", () => {
  it("only an approval's step is answered by a person", () => {
    expect(KINDS.filter((k) => k.answeredByPerson).map((k) => k.kind)).toEqual(["approval"]);
  });

  it("a re-run with changes may replace the prompt and profile of a step that runs an agent prompt, and nothing of any other step", () => {
    const first: [NodeKind, Record<string, unknown>] = ["arena", { prompt: "p", contestants: [{ profile: "demo" }, { profile: "demo" }], select: { mode: "first" } }];
    const offered = [...VARIANTS, first].flatMap(([kind, config]) => {
      const definition = kindDefinition(kind);
      return definition.plan({ id: "n", config: definition.schema.parse(config) }, ["up"]).map((step) => {
        const stored = { kind: step.kind, role: step.role, spec: JSON.parse(JSON.stringify(step.spec)) as unknown };
        const mode = "fold" in step.spec ? ` ${step.spec.fold.mode}` : "select" in step.spec ? ` ${step.spec.select.mode}` : "";
        return [`${kind}${mode} ${step.role}`, rerunChangesOf(stored)];
      });
    });
    expect(Object.fromEntries(offered)).toEqual({
      "agent node": { prompt: "p", profile: "demo" },
      "arena contestant": { prompt: "p", profile: "demo" },
      "arena first select": null,
      "arena judge select": { prompt: "pick", profile: "j" },
      "arena check select": null,
      "arena manual select": null,
      "fold concat node": null,
      "fold agent node": { prompt: "sum up", profile: "demo" },
      "check node": null,
      "approval node": null,
      "loop node": { prompt: "p", profile: "demo" },
    });
  });

  it("a stored step's changes are read from its spec as stored, whatever its shape", () => {
    expect(rerunChangesOf({ kind: "agent", role: "node", spec: { profile: "demo", prompt: "edited" } })).toEqual({ prompt: "edited", profile: "demo" });
    expect(rerunChangesOf({ kind: "agent", role: "node", spec: null })).toBeNull();
    expect(rerunChangesOf({ kind: "arena", role: "select", spec: { select: { mode: "judge" }, profile: "j" } })).toEqual({ prompt: "", profile: "j" });
    expect(rerunChangesOf({ kind: "gone", role: "node", spec: { profile: "demo", prompt: "p" } })).toBeNull();
  });

  it("a stored kind that names no kind has no definition", () => {
    expect(definitionOf("approval")?.answeredByPerson).toBe(true);
    expect(definitionOf("gone")).toBeUndefined();
  });
});

describe("reference fields", () => {
  it("every field beyond output and diff is offered by some kind, and named by it", () => {
    const offered = new Set(KINDS.flatMap((k) => k.referenceFields));
    expect(STEP_FIELDS.filter((f) => !(EVERY_STEP_FIELDS as readonly string[]).includes(f) && !offered.has(f as never))).toEqual([]);
    expect(kindsOffering("contestants")).toBe("an arena");
  });
});
