/**
 * Import/export of the flow document as JSON (the same format the API stores). Import parses
 * and validates: a document whose shape can't be loaded into the editor is refused with its
 * issues; a loadable one comes back with its validation issues for the user to see.
 */
import { rawFlowSchema, type FlowDocument } from "../flow/document";
import { isNodeKind } from "../kinds";
import { validateFlow, zodPath, type ValidationIssue } from "../flow/validate";

export type ImportResult =
  | { ok: true; doc: FlowDocument; issues: ValidationIssue[] }
  | { ok: false; issues: ValidationIssue[] };

export function importFlowJson(text: string, profiles?: ReadonlySet<string>): ImportResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, issues: [{ path: "(json)", message: `not valid JSON: ${(error as Error).message}` }] };
  }
  const parsed = rawFlowSchema.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => ({ path: zodPath("", issue.path) || "(root)", message: issue.message })),
    };
  }
  const unknownKinds: ValidationIssue[] = parsed.data.nodes.flatMap((node, i) =>
    isNodeKind(node.kind)
      ? []
      : [{ path: `nodes[${i}].kind`, message: `unknown kind "${node.kind}"`, nodeId: node.id }],
  );
  if (unknownKinds.length > 0) return { ok: false, issues: unknownKinds };
  // Kinds are known; configs may still be invalid — the editor shows those issues on the nodes.
  const doc = parsed.data as FlowDocument;
  const result = validateFlow(doc, { profiles });
  return { ok: true, doc, issues: result.ok ? [] : result.issues };
}

export function exportFlowJson(doc: FlowDocument): string {
  return JSON.stringify(doc, null, 2) + "\n";
}

/** A file name for an exported flow: its name, lowercased, kebab-case. */
export function exportFileName(doc: FlowDocument): string {
  const slug = doc.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60);
  return `${slug || "flow"}.flow.json`;
}
