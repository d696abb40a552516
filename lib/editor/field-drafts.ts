/**
 * Field drafts: text typed into a structured field (a node's Options JSON) that does not parse
 * yet. The document can't hold it, so the editor keeps it beside the document, keyed by node
 * and config path. Invariant: a draft is never dropped silently — while one exists the field
 * shows it, it is a problem in the issue list (so the flow can't run), and the editor counts
 * as unsaved. It goes away when the field parses or is cleared, or with its node.
 *
 * Pure.
 */
import type { FlowDocument } from "../flow/document";
import type { ValidationIssue } from "../flow/validate";

export interface FieldDraft {
  nodeId: string;
  /** Path below the node's config: "options", "contestants[1].options". */
  path: string;
  text: string;
  /** Why the text is not applied ("Unexpected token } in JSON at position 3"). */
  error: string;
}

export type FieldDrafts = ReadonlyMap<string, FieldDraft>;

export const NO_FIELD_DRAFTS: FieldDrafts = new Map();

export function fieldDraftKey(nodeId: string, path: string): string {
  return `${nodeId}\u0000${path}`;
}

export function fieldDraftsFrom(list: readonly FieldDraft[]): FieldDrafts {
  return list.length === 0 ? NO_FIELD_DRAFTS : new Map(list.map((d) => [fieldDraftKey(d.nodeId, d.path), d]));
}

/** Sets (`text` and `error`) or clears (`null`) the draft of one field. */
export function withFieldDraft(drafts: FieldDrafts, nodeId: string, path: string, draft: { text: string; error: string } | null): FieldDrafts {
  const key = fieldDraftKey(nodeId, path);
  const before = drafts.get(key);
  if (!draft) {
    if (!before) return drafts;
    const next = new Map(drafts);
    next.delete(key);
    return next;
  }
  if (before && before.text === draft.text && before.error === draft.error) return drafts;
  return new Map(drafts).set(key, { nodeId, path, ...draft });
}

/** The drafts whose node still exists. */
export function pruneFieldDrafts(drafts: FieldDrafts, doc: FlowDocument): FieldDrafts {
  if (drafts.size === 0) return drafts;
  const ids = new Set(doc.nodes.map((n) => n.id));
  const kept = [...drafts].filter(([, d]) => ids.has(d.nodeId));
  return kept.length === drafts.size ? drafts : new Map(kept);
}

export function renameFieldDrafts(drafts: FieldDrafts, from: string, to: string): FieldDrafts {
  if (![...drafts.values()].some((d) => d.nodeId === from)) return drafts;
  return new Map([...drafts.values()].map((d) => {
    const moved = d.nodeId === from ? { ...d, nodeId: to } : d;
    return [fieldDraftKey(moved.nodeId, moved.path), moved];
  }));
}

/**
 * After `listPath[removed]` was removed from node `nodeId`'s config: that item's drafts go with
 * it, and the drafts of the items after it move down one index.
 */
export function removeListItemDrafts(drafts: FieldDrafts, nodeId: string, listPath: string, removed: number): FieldDrafts {
  const prefix = `${listPath}[`;
  const affected = [...drafts.values()].some((d) => d.nodeId === nodeId && d.path.startsWith(prefix));
  if (!affected) return drafts;
  const next = new Map<string, FieldDraft>();
  for (const d of drafts.values()) {
    let draft: FieldDraft | null = d;
    if (d.nodeId === nodeId && d.path.startsWith(prefix)) {
      const match = /^\[(\d+)\](.*)$/.exec(d.path.slice(listPath.length));
      const index = match ? Number(match[1]) : -1;
      if (index === removed) draft = null;
      else if (index > removed) draft = { ...d, path: `${listPath}[${index - 1}]${match![2]}` };
    }
    if (draft) next.set(fieldDraftKey(draft.nodeId, draft.path), draft);
  }
  return next;
}

/** One problem per draft, on its node and field, like a validation issue. */
export function fieldDraftIssues(doc: FlowDocument, drafts: FieldDrafts): ValidationIssue[] {
  if (drafts.size === 0) return [];
  const index = new Map(doc.nodes.map((n, i) => [n.id, i]));
  const issues: ValidationIssue[] = [];
  for (const d of drafts.values()) {
    const i = index.get(d.nodeId);
    if (i === undefined) continue;
    issues.push({ path: `nodes[${i}].config.${d.path}`, message: `${d.error} — not applied`, nodeId: d.nodeId });
  }
  return issues;
}
