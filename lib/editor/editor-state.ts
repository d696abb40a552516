/**
 * The editor's one state and its reducer. Pure: (state, action) → state.
 *
 * Invariants:
 * - `doc` is the only thing saved; `nodes`/`edges` are its canvas view (view-model.ts).
 * - Undo history holds document snapshots. Every action that changes the document pushes the
 *   document it replaces, except consecutive edits with the same `coalesceKey` (typing in one
 *   field). A drag changes the document once, when it ends.
 * - `dirty` is `doc !== savedDoc`: snapshots are immutable, so undoing back to the saved
 *   document makes the editor clean again.
 * - Issues are recomputed whenever the document changes other than by moving nodes
 *   (positions don't affect validity): at once for flows up to SYNC_VALIDATION_LIMIT nodes;
 *   above that, validation (superlinear in flow size) would make typing lag, so the edit
 *   only marks the issues stale (`validatedDoc !== doc`) and the store runs a debounced
 *   "revalidate".
 * - `issues` = the validator's issues + one per field draft (field-drafts.ts): text that
 *   doesn't parse is a problem like any other, and counts as unsaved.
 */
import type { NodeChange, EdgeChange } from "@xyflow/react";
import type { FlowDocument, FlowInput, FlowNode } from "../flow/document";
import type { NodeKind } from "../kinds";
import { validateFlow, type ValidationIssue } from "../flow/validate";
import * as ops from "./document-ops";
import { placeNewNode } from "./placement";
import { copySelection, pasteFragment, type ClipboardFragment } from "./clipboard";
import {
  NO_FIELD_DRAFTS,
  fieldDraftIssues,
  pruneFieldDrafts,
  removeListItemDrafts,
  renameFieldDrafts,
  withFieldDraft,
  type FieldDrafts,
} from "./field-drafts";
import type { CanvasEdge, CanvasNode, Size, XY } from "./types";
import { edgeId, invalidEdgeIds, stableIssuesByNode, toCanvasEdges, toCanvasNodes, toCanvasNodesOf, withPositions } from "./view-model";

export const HISTORY_LIMIT = 200;
export const SYNC_VALIDATION_LIMIT = 300;

/** Work the server holds as the flow's draft (saved while it had problems): never run. */
export interface SavedDraft {
  doc: FlowDocument;
  fieldDrafts: FieldDrafts;
}

export interface EditorState {
  doc: FlowDocument;
  /** The document of version `baseVersion`: what runs use. */
  savedDoc: FlowDocument;
  /** The flow's draft on the server, when there is one (see `storedWork`). */
  draftSaved: SavedDraft | null;
  /** The server version the document is based on (sent as baseVersion on save). */
  baseVersion: number;
  past: FlowDocument[];
  future: FlowDocument[];
  lastCoalesceKey: string | null;
  profiles: ReadonlySet<string> | undefined;
  /** What the validator said about `validatedDoc`. */
  validationIssues: ValidationIssue[];
  /** Field text that doesn't parse yet, kept until fixed or cleared. */
  fieldDrafts: FieldDrafts;
  /** `validationIssues` and one issue per field draft: everything in the way of saving. */
  issues: ValidationIssue[];
  issuesByNode: ReadonlyMap<string, readonly ValidationIssue[]>;
  /** The document `issues` were computed for; differs from `doc` while a revalidation is pending. */
  validatedDoc: FlowDocument | null;
  selectedNodes: ReadonlySet<string>;
  selectedEdges: ReadonlySet<string>;
  measured: ReadonlyMap<string, Size>;
  dragPositions: ReadonlyMap<string, XY>;
  nodes: CanvasNode[];
  edges: CanvasEdge[];
}

export type EditorAction =
  | { type: "load"; doc: FlowDocument; version: number; draft?: SavedDraft | null }
  | { type: "replace-document"; doc: FlowDocument }
  | { type: "mark-saved"; doc: FlowDocument; version: number }
  /** The server stored `doc` and `fieldDrafts` as the flow's draft. */
  | { type: "mark-draft-saved"; draft: SavedDraft }
  /** The server's draft was deleted: back to the saved version's document (one undo step). */
  | { type: "discard-draft" }
  | { type: "set-profiles"; profiles: ReadonlySet<string> }
  | { type: "add-node"; kind: NodeKind; position: { x: number; y: number } }
  /**
   * A node added by a click: after the single selected node (placed right of it and connected
   * from it) when there is one, else at `centre` (the view's centre); never over another card.
   */
  | { type: "insert-node"; kind: NodeKind; centre: XY }
  /** A copy of `fragment` added (clipboard.ts says what a paste keeps), and selected; at `anchor` when given. */
  | { type: "paste"; fragment: ClipboardFragment; anchor?: XY }
  /** The selected nodes copied and pasted in one step. */
  | { type: "duplicate-selection" }
  | { type: "select-all" }
  | { type: "set-node-config"; id: string; config: FlowNode["config"]; coalesceKey?: string }
  /** Text of a node's structured field (`path` below its config) that doesn't parse; `null` clears it. */
  | { type: "set-field-draft"; id: string; path: string; draft: { text: string; error: string } | null }
  /** Removes item `index` of the list at `path` in the node's config (a contestant), with its field drafts. */
  | { type: "remove-list-item"; id: string; path: "contestants"; index: number }
  | { type: "set-node-label"; id: string; label: string }
  | { type: "rename-node"; from: string; to: string }
  | { type: "set-flow-name"; name: string }
  | { type: "set-flow-description"; description: string }
  | { type: "set-inputs"; inputs: FlowInput[]; coalesceKey?: string }
  | { type: "connect"; from: string; to: string }
  | { type: "delete"; nodeIds: string[]; edgeIds: string[] }
  | { type: "delete-selection" }
  | { type: "apply-positions"; positions: ReadonlyMap<string, { x: number; y: number }> }
  | { type: "node-changes"; changes: NodeChange<CanvasNode>[] }
  | { type: "edge-changes"; changes: EdgeChange<CanvasEdge>[] }
  | { type: "select-node"; id: string | null }
  /** An edge picked on the canvas: it alone is selected, or it is added with a modifier key. */
  | { type: "select-edge"; id: string; additive: boolean }
  | { type: "revalidate" }
  | { type: "undo" }
  | { type: "redo" };

const EMPTY_SET: ReadonlySet<string> = new Set();

function withIssues(state: EditorState): EditorState {
  const result = validateFlow(state.doc, { profiles: state.profiles });
  return withMergedIssues({ ...state, validationIssues: result.ok ? [] : result.issues, validatedDoc: state.doc });
}

/** `issues` from the validator's latest answer and the field drafts (cheap: no validation). */
function withMergedIssues(state: EditorState): EditorState {
  const fromDrafts = fieldDraftIssues(state.doc, state.fieldDrafts);
  const issues = fromDrafts.length === 0 ? state.validationIssues : [...state.validationIssues, ...fromDrafts];
  return { ...state, issues, issuesByNode: stableIssuesByNode(issues, state.issuesByNode) };
}

/** Validates now for small flows; large ones are left stale for the store's debounced revalidate. */
function withIssuesSoon(state: EditorState): EditorState {
  return state.doc.nodes.length <= SYNC_VALIDATION_LIMIT ? withIssues(state) : state;
}

/** After a move: positions don't affect validity, so fresh issues stay fresh for the moved document. */
function validatedAfterMove(state: EditorState, doc: FlowDocument): FlowDocument | null {
  return state.validatedDoc === state.doc ? doc : state.validatedDoc;
}

export function issuesStale(state: EditorState): boolean {
  return state.validatedDoc !== state.doc;
}

/** Recomputes the canvas view, reusing every unchanged node and edge object. */
function withCanvas(state: EditorState): EditorState {
  const nodes = toCanvasNodes(state.doc, state.issuesByNode, state, state.nodes);
  const edges = toCanvasEdges(state.doc.edges, state.selectedEdges, state.edges, invalidEdgeIds(state.issues));
  return { ...state, nodes, edges };
}

/**
 * A session over version `version`'s document `doc`; with a server draft, the session opens
 * the draft (its document and field drafts) on top of it.
 */
export function initialEditorState(doc: FlowDocument, version: number, profiles?: ReadonlySet<string>, draft: SavedDraft | null = null): EditorState {
  const state: EditorState = {
    doc: draft?.doc ?? doc,
    savedDoc: doc,
    draftSaved: draft,
    baseVersion: version,
    past: [],
    future: [],
    lastCoalesceKey: null,
    profiles,
    validationIssues: [],
    fieldDrafts: draft?.fieldDrafts ?? NO_FIELD_DRAFTS,
    issues: [],
    issuesByNode: new Map(),
    validatedDoc: null,
    selectedNodes: EMPTY_SET,
    selectedEdges: EMPTY_SET,
    measured: new Map(),
    dragPositions: new Map(),
    nodes: [],
    edges: [],
  };
  return withCanvas(withIssues(state));
}

/** What the server holds for this session: its draft if it has one, else the version. */
export function storedWork(state: EditorState): SavedDraft {
  return state.draftSaved ?? { doc: state.savedDoc, fieldDrafts: NO_FIELD_DRAFTS };
}

/** Is there work on screen that the server doesn't hold (as a version or as the draft)? */
export function isDirty(state: EditorState): boolean {
  const stored = storedWork(state);
  if (state.doc !== stored.doc) return true;
  return state.fieldDrafts !== stored.fieldDrafts && (state.fieldDrafts.size > 0 || stored.fieldDrafts.size > 0);
}

/** Is the session's work held as a draft, not yet as a version runs could use? */
export function onDraft(state: EditorState): boolean {
  return state.draftSaved !== null;
}

/** Replaces the document, recording the previous one for undo. */
function commit(state: EditorState, doc: FlowDocument, coalesceKey: string | null = null, validate = true): EditorState {
  if (doc === state.doc) return state;
  const coalesce = coalesceKey !== null && coalesceKey === state.lastCoalesceKey;
  const past = coalesce ? state.past : [...state.past, state.doc].slice(-HISTORY_LIMIT);
  const next: EditorState = { ...state, doc, past, future: [], lastCoalesceKey: coalesceKey };
  // A move leaves validity as it was: the issues still describe the document.
  return withCanvas(validate ? withIssuesSoon(next) : { ...next, validatedDoc: validatedAfterMove(state, doc) });
}

/** Drops selection/size/drag entries of nodes and edges that no longer exist. */
function pruneUi(state: EditorState): EditorState {
  const nodeIds = new Set(state.doc.nodes.map((n) => n.id));
  const edgeIds = new Set(state.doc.edges.map(edgeId));
  const keep = (set: ReadonlySet<string>, alive: Set<string>) => {
    for (const id of set) if (!alive.has(id)) return new Set([...set].filter((x) => alive.has(x)));
    return set;
  };
  // A size is dropped with its node: if the node comes back (undo), React Flow must measure
  // it again, or it would never compute its handle positions and its edges wouldn't draw.
  let measured = state.measured;
  for (const id of measured.keys()) {
    if (!nodeIds.has(id)) {
      measured = new Map([...measured].filter(([key]) => nodeIds.has(key)));
      break;
    }
  }
  const fieldDrafts = pruneFieldDrafts(state.fieldDrafts, state.doc);
  return {
    ...(fieldDrafts === state.fieldDrafts ? state : withMergedIssues({ ...state, fieldDrafts })),
    selectedNodes: keep(state.selectedNodes, nodeIds),
    selectedEdges: keep(state.selectedEdges, edgeIds),
    dragPositions: state.dragPositions.size > 0 ? new Map([...state.dragPositions].filter(([id]) => nodeIds.has(id))) : state.dragPositions,
    measured,
  };
}

function applyNodeChanges(state: EditorState, changes: NodeChange<CanvasNode>[]): EditorState {
  let selected: Set<string> | null = null;
  let measured: Map<string, Size> | null = null;
  let dragPositions: Map<string, XY> | null = null;
  // Positions that land in the document now: drag ends and moves that are not drags (keyboard).
  const settled = new Map<string, XY>();
  // Nodes whose drag position was set or dropped.
  const dragged = new Set<string>();
  for (const change of changes) {
    if (change.type === "select") {
      selected ??= new Set(state.selectedNodes);
      if (change.selected) selected.add(change.id);
      else selected.delete(change.id);
    } else if (change.type === "dimensions" && change.dimensions) {
      const before = state.measured.get(change.id);
      if (before && before.width === change.dimensions.width && before.height === change.dimensions.height) continue;
      measured ??= new Map(state.measured);
      measured.set(change.id, { width: change.dimensions.width, height: change.dimensions.height });
    } else if (change.type === "position") {
      if (change.dragging) {
        if (!change.position) continue;
        dragPositions ??= new Map(state.dragPositions);
        dragPositions.set(change.id, change.position);
        dragged.add(change.id);
      } else {
        const last = change.position ?? (dragPositions ?? state.dragPositions).get(change.id);
        if (last) settled.set(change.id, last);
        if ((dragPositions ?? state.dragPositions).has(change.id)) {
          dragPositions ??= new Map(state.dragPositions);
          dragPositions.delete(change.id);
          dragged.add(change.id);
        }
      }
    }
    // "remove" is handled by the "delete" action (one undo step for nodes and their edges);
    // "add"/"replace" never come from React Flow in controlled mode.
  }
  const next: EditorState = {
    ...state,
    selectedNodes: selected ?? state.selectedNodes,
    measured: measured ?? state.measured,
    dragPositions: dragPositions ?? state.dragPositions,
  };
  if (settled.size > 0) {
    // A drag is one undo step: the document changes once, when it ends.
    const doc = withPositions(state.doc, settled);
    if (doc !== state.doc) {
      const past = [...state.past, state.doc].slice(-HISTORY_LIMIT);
      return withCanvas({ ...next, doc, past, future: [], lastCoalesceKey: null, validatedDoc: validatedAfterMove(state, doc) });
    }
  }
  if (next.selectedNodes === state.selectedNodes && next.measured === state.measured && next.dragPositions === state.dragPositions) return state;
  if (next.selectedNodes === state.selectedNodes && next.measured === state.measured && dragged.size > 0) {
    // A drag frame: only the dragged nodes' canvas nodes change (edges don't depend on
    // positions), so the rest of the canvas view is not walked.
    return { ...next, nodes: toCanvasNodesOf(dragged, next.doc, next.issuesByNode, next, state.nodes) };
  }
  return withCanvas(next);
}

function applyEdgeChanges(state: EditorState, changes: EdgeChange<CanvasEdge>[]): EditorState {
  let selected: Set<string> | null = null;
  for (const change of changes) {
    if (change.type !== "select") continue;
    selected ??= new Set(state.selectedEdges);
    if (change.selected) selected.add(change.id);
    else selected.delete(change.id);
  }
  return selected ? withCanvas({ ...state, selectedEdges: selected }) : state;
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case "load":
      return initialEditorState(action.doc, action.version, state.profiles, action.draft ?? null);
    case "replace-document":
      return withCanvas(pruneUi(commit(state, action.doc)));
    case "mark-saved":
      // `action.doc` is the document that was sent: edits made while the save was in flight
      // keep the editor dirty.
      return { ...state, savedDoc: action.doc, baseVersion: action.version, draftSaved: null };
    case "mark-draft-saved":
      return { ...state, draftSaved: action.draft };
    case "discard-draft": {
      const cleared = withMergedIssues({ ...state, draftSaved: null, fieldDrafts: NO_FIELD_DRAFTS });
      return withCanvas(pruneUi(commit(cleared, state.savedDoc)));
    }
    case "set-profiles":
      return withCanvas(withIssues({ ...state, profiles: action.profiles }));
    case "add-node": {
      const id = ops.nextNodeId(state.doc, action.kind);
      const node = ops.createNode(action.kind, id, { x: Math.round(action.position.x), y: Math.round(action.position.y) });
      const next = commit(state, ops.addNode(state.doc, node));
      return withCanvas({ ...next, selectedNodes: new Set([id]), selectedEdges: EMPTY_SET });
    }
    case "insert-node": {
      const after = selectedNode(state)?.id;
      const id = ops.nextNodeId(state.doc, action.kind);
      const node = ops.createNode(action.kind, id, placeNewNode(state.doc, state.measured, action.centre, after));
      const added = ops.addNode(state.doc, node);
      const next = commit(state, after ? ops.connect(added, after, id) : added);
      return withCanvas({ ...next, selectedNodes: new Set([id]), selectedEdges: EMPTY_SET });
    }
    case "paste": {
      const pasted = pasteFragment(state.doc, action.fragment, action.anchor);
      const next = commit(state, pasted.doc);
      return withCanvas({ ...next, selectedNodes: new Set(pasted.ids), selectedEdges: EMPTY_SET });
    }
    case "duplicate-selection": {
      const fragment = copySelection(state.doc, state.selectedNodes);
      return fragment ? editorReducer(state, { type: "paste", fragment }) : state;
    }
    case "select-all":
      return withCanvas({ ...state, selectedNodes: new Set(state.doc.nodes.map((n) => n.id)), selectedEdges: new Set(state.doc.edges.map(edgeId)) });
    case "set-node-config":
      return commit(state, ops.setNodeConfig(state.doc, action.id, action.config), action.coalesceKey ?? null);
    case "set-field-draft": {
      const fieldDrafts = withFieldDraft(state.fieldDrafts, action.id, action.path, action.draft);
      return fieldDrafts === state.fieldDrafts ? state : withCanvas(withMergedIssues({ ...state, fieldDrafts }));
    }
    case "remove-list-item": {
      const node = state.doc.nodes.find((n) => n.id === action.id);
      const list = (node?.config as Record<string, unknown> | undefined)?.[action.path];
      if (!node || !Array.isArray(list) || action.index < 0 || action.index >= list.length) return state;
      const config = { ...node.config, [action.path]: list.filter((_, i) => i !== action.index) } as FlowNode["config"];
      const fieldDrafts = removeListItemDrafts(state.fieldDrafts, action.id, action.path, action.index);
      return commit({ ...state, fieldDrafts }, ops.setNodeConfig(state.doc, action.id, config));
    }
    case "set-node-label":
      return commit(state, ops.setNodeLabel(state.doc, action.id, action.label), `label:${action.id}`);
    case "rename-node": {
      const doc = ops.renameNode(state.doc, action.from, action.to);
      if (doc === state.doc) return state;
      const rename = (set: ReadonlySet<string>) =>
        set.has(action.from) ? new Set([...set].map((id) => (id === action.from ? action.to : id))) : set;
      // The renamed node is a new node to React Flow: it must measure it (and its handles)
      // afresh, so no size is carried over.
      const fieldDrafts = renameFieldDrafts(state.fieldDrafts, action.from, action.to);
      const next = commit({ ...state, selectedNodes: rename(state.selectedNodes), fieldDrafts }, doc);
      return withCanvas(pruneUi(next));
    }
    case "set-flow-name":
      return commit(state, { ...state.doc, name: action.name }, "flow-name");
    case "set-flow-description": {
      const doc = { ...state.doc };
      if (action.description) doc.description = action.description;
      else delete doc.description;
      return commit(state, doc, "flow-description");
    }
    case "set-inputs":
      return commit(state, ops.setInputs(state.doc, action.inputs), action.coalesceKey ?? null);
    case "connect":
      return commit(state, ops.connect(state.doc, action.from, action.to));
    case "delete": {
      const doc = ops.removeElements(state.doc, new Set(action.nodeIds), new Set(action.edgeIds), edgeId);
      return withCanvas(pruneUi(commit(state, doc)));
    }
    case "delete-selection":
      return editorReducer(state, { type: "delete", nodeIds: [...state.selectedNodes], edgeIds: [...state.selectedEdges] });
    case "apply-positions":
      return commit(state, withPositions(state.doc, action.positions), null, false);
    case "node-changes":
      return applyNodeChanges(state, action.changes);
    case "edge-changes":
      return applyEdgeChanges(state, action.changes);
    case "select-edge": {
      if (!state.edges.some((e) => e.id === action.id)) return state;
      if (action.additive) return state.selectedEdges.has(action.id) ? state : withCanvas({ ...state, selectedEdges: new Set([...state.selectedEdges, action.id]) });
      return withCanvas({ ...state, selectedNodes: EMPTY_SET, selectedEdges: new Set([action.id]) });
    }
    case "select-node": {
      const selectedNodes = action.id ? new Set([action.id]) : EMPTY_SET;
      return withCanvas({ ...state, selectedNodes, selectedEdges: EMPTY_SET });
    }
    case "undo": {
      const previous = state.past[state.past.length - 1];
      if (!previous) return state;
      const next = { ...state, doc: previous, past: state.past.slice(0, -1), future: [state.doc, ...state.future], lastCoalesceKey: null };
      return withCanvas(pruneUi(withIssuesSoon(next)));
    }
    case "redo": {
      const [following, ...rest] = state.future;
      if (!following) return state;
      const next = { ...state, doc: following, past: [...state.past, state.doc], future: rest, lastCoalesceKey: null };
      return withCanvas(pruneUi(withIssuesSoon(next)));
    }
    case "revalidate":
      return issuesStale(state) ? withCanvas(withIssues(state)) : state;
  }
}

/** The single selected node, if exactly one is selected. */
export function selectedNode(state: EditorState): FlowNode | undefined {
  if (state.selectedNodes.size !== 1) return undefined;
  const [id] = state.selectedNodes;
  return state.doc.nodes.find((n) => n.id === id);
}
