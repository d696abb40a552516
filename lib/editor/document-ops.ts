/**
 * Edits of a flow document, as pure functions returning a new document (the input is never
 * mutated, so undo can keep earlier documents as snapshots). Unchanged nodes keep their
 * identity, which the canvas mapping relies on.
 */
import { NODE_ID_PATTERN, type FlowDocument, type FlowInput, type FlowNode } from "../flow/document";
import { wouldCreateCycle } from "../flow/graph";
import { kindDefinition, type NodeKind } from "../kinds";
import { parseTemplate } from "../flow/template";

export function newFlowDocument(name: string): FlowDocument {
  return {
    name,
    inputs: [{ name: "task", required: true, description: "What should the agents do?" }],
    nodes: [createNode("agent", "agent", { x: 0, y: 0 })],
    edges: [],
  };
}

export function createNode(kind: NodeKind, id: string, position: { x: number; y: number }): FlowNode {
  return { id, kind, position, config: kindDefinition(kind).defaults() } as FlowNode;
}

/** The first free id of the form kind, kind2, kind3… */
export function nextNodeId(doc: FlowDocument, kind: NodeKind): string {
  const taken = new Set(doc.nodes.map((n) => n.id));
  if (!taken.has(kind)) return kind;
  for (let i = 2; ; i++) if (!taken.has(`${kind}${i}`)) return `${kind}${i}`;
}

export function addNode(doc: FlowDocument, node: FlowNode): FlowDocument {
  return { ...doc, nodes: [...doc.nodes, node] };
}

export function removeElements(
  doc: FlowDocument,
  nodeIds: ReadonlySet<string>,
  edgeKeys: ReadonlySet<string>,
  edgeKey: (e: { from: string; to: string }) => string,
): FlowDocument {
  if (nodeIds.size === 0 && edgeKeys.size === 0) return doc;
  return {
    ...doc,
    nodes: doc.nodes.filter((n) => !nodeIds.has(n.id)),
    edges: doc.edges.filter((e) => !nodeIds.has(e.from) && !nodeIds.has(e.to) && !edgeKeys.has(edgeKey(e))),
  };
}

export type ConnectRefusal = "self" | "duplicate" | "cycle" | "unknown-node";

/** Why from→to may not be added, or null when it may. */
export function connectRefusal(doc: FlowDocument, from: string, to: string): ConnectRefusal | null {
  if (from === to) return "self";
  const ids = doc.nodes.map((n) => n.id);
  if (!ids.includes(from) || !ids.includes(to)) return "unknown-node";
  if (doc.edges.some((e) => e.from === from && e.to === to)) return "duplicate";
  if (wouldCreateCycle(ids, doc.edges, from, to)) return "cycle";
  return null;
}

export function connect(doc: FlowDocument, from: string, to: string): FlowDocument {
  if (connectRefusal(doc, from, to)) return doc;
  return { ...doc, edges: [...doc.edges, { from, to }] };
}

export function updateNode(doc: FlowDocument, id: string, update: (node: FlowNode) => FlowNode): FlowDocument {
  let changed = false;
  const nodes = doc.nodes.map((node) => {
    if (node.id !== id) return node;
    const next = update(node);
    if (next !== node) changed = true;
    return next;
  });
  return changed ? { ...doc, nodes } : doc;
}

export function setNodeConfig(doc: FlowDocument, id: string, config: FlowNode["config"]): FlowDocument {
  return updateNode(doc, id, (node) => ({ ...node, config }) as FlowNode);
}

export function setNodeLabel(doc: FlowDocument, id: string, label: string): FlowDocument {
  return updateNode(doc, id, (node) => {
    const next = { ...node };
    if (label.trim()) next.label = label;
    else delete next.label;
    return next;
  });
}

export function setInputs(doc: FlowDocument, inputs: FlowInput[]): FlowDocument {
  return { ...doc, inputs };
}

/** Why `to` can't be a new id for a node, or null when it can. */
export function renameRefusal(doc: FlowDocument, from: string, to: string): string | null {
  if (to === from) return null;
  if (!NODE_ID_PATTERN.test(to)) return "must start with a letter and use only letters, digits, _ and - (max 64)";
  if (doc.nodes.some((n) => n.id === to)) return `a node "${to}" already exists`;
  return null;
}

/** Rewrites {{steps.<from>.…}} references to {{steps.<to>.…}}; everything else is kept verbatim. */
export function rewriteStepRefs(text: string, from: string, to: string): string {
  return rewriteStepRefsIn(text, new Map([[from, to]]));
}

/** Rewrites every {{steps.<id>.…}} reference whose id is a key of `ids` to its value; everything else verbatim. */
export function rewriteStepRefsIn(text: string, ids: ReadonlyMap<string, string>): string {
  const { refs } = parseTemplate(text);
  let out = "";
  let cursor = 0;
  for (const ref of refs) {
    if (ref.kind !== "step") continue;
    const to = ids.get(ref.nodeId);
    if (to === undefined) continue;
    out += text.slice(cursor, ref.index) + `{{steps.${to}.${ref.field}}}`;
    cursor = ref.index + ref.raw.length;
  }
  return cursor === 0 ? text : out + text.slice(cursor);
}

function setAtPath(config: Record<string, unknown>, path: string, value: string): Record<string, unknown> {
  const [head, ...rest] = path.split(".");
  if (rest.length === 0) return { ...config, [head]: value };
  const child = (config[head] ?? {}) as Record<string, unknown>;
  return { ...config, [head]: setAtPath(child, rest.join("."), value) };
}

/** `node` with the step references of its templates (prompts) renamed by `ids`; itself when none changes. */
export function withRenamedRefs(node: FlowNode, ids: ReadonlyMap<string, string>): FlowNode {
  let next = node;
  for (const field of kindDefinition(node.kind).templates(node.config)) {
    const rewritten = rewriteStepRefsIn(field.text, ids);
    if (rewritten !== field.text) {
      next = { ...next, config: setAtPath(next.config as Record<string, unknown>, field.path, rewritten) } as FlowNode;
    }
  }
  return next;
}

/**
 * Renames a node: its edges follow, and every template that references it is rewritten, so
 * the rename never leaves a dangling reference. Refused renames return the document as is.
 */
export function renameNode(doc: FlowDocument, from: string, to: string): FlowDocument {
  if (from === to || renameRefusal(doc, from, to)) return doc;
  const renamed = new Map([[from, to]]);
  const nodes = doc.nodes.map((node) => withRenamedRefs(node.id === from ? { ...node, id: to } : node, renamed));
  const edges = doc.edges.map((e) =>
    e.from === from || e.to === from ? { from: e.from === from ? to : e.from, to: e.to === from ? to : e.to } : e,
  );
  return { ...doc, nodes, edges };
}
