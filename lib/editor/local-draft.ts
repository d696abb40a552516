/**
 * The browser's copy of unsaved editor work, so a crash, a reload or a closed tab loses
 * nothing. One entry per flow and base version (`baton:draft:<flowId>:<version>`), holding the
 * document and its field drafts. Written while there is unsaved work, removed once it is saved.
 *
 * Pure apart from the Storage passed in (tests pass an in-memory one). An entry that doesn't
 * parse (another build's format, a hand edit) is ignored and removed, never trusted.
 */
import { z } from "zod";
import type { FlowDocument } from "../flow/document";
import type { FieldDraft } from "./field-drafts";

export const LOCAL_DRAFT_PREFIX = "baton:draft:";

export interface LocalDraft {
  flowId: string;
  baseVersion: number;
  doc: FlowDocument;
  fields: FieldDraft[];
  /** ms since the epoch. */
  savedAt: number;
}

const localDraftSchema = z.object({
  flowId: z.string(),
  baseVersion: z.number().int().min(1),
  // The document is the editor's own, possibly invalid; only its outline is checked here.
  doc: z.object({ name: z.string(), inputs: z.array(z.unknown()), nodes: z.array(z.object({ id: z.string(), kind: z.string() }).loose()), edges: z.array(z.unknown()) }).loose(),
  fields: z.array(z.object({ nodeId: z.string(), path: z.string(), text: z.string(), error: z.string() })),
  savedAt: z.number(),
});

export function localDraftKey(flowId: string, baseVersion: number): string {
  return `${LOCAL_DRAFT_PREFIX}${flowId}:${baseVersion}`;
}

function keysOf(storage: Storage, flowId: string): string[] {
  const prefix = `${LOCAL_DRAFT_PREFIX}${flowId}:`;
  const keys: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key?.startsWith(prefix)) keys.push(key);
  }
  return keys;
}

/**
 * Stores `draft`, replacing the flow's entries for other base versions (the newest work
 * wins). Returns false when the browser refused (storage full or disabled).
 */
export function writeLocalDraft(storage: Storage, draft: LocalDraft): boolean {
  const key = localDraftKey(draft.flowId, draft.baseVersion);
  try {
    storage.setItem(key, JSON.stringify(draft));
  } catch {
    return false;
  }
  for (const other of keysOf(storage, draft.flowId)) if (other !== key) storage.removeItem(other);
  return true;
}

/** The flow's newest stored draft, if any. */
export function readLocalDraft(storage: Storage, flowId: string): LocalDraft | null {
  let newest: LocalDraft | null = null;
  for (const key of keysOf(storage, flowId)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(storage.getItem(key) ?? "");
    } catch {
      parsed = null;
    }
    const result = localDraftSchema.safeParse(parsed);
    if (!result.success || result.data.flowId !== flowId) {
      storage.removeItem(key);
      continue;
    }
    const draft = result.data as unknown as LocalDraft;
    if (!newest || draft.savedAt > newest.savedAt) newest = draft;
  }
  return newest;
}

export function clearLocalDraft(storage: Storage, flowId: string): void {
  for (const key of keysOf(storage, flowId)) storage.removeItem(key);
}

/** Same document and field drafts? (JSON comparison: drafts come back from storage as copies.) */
export function sameWork(a: { doc: FlowDocument; fields: readonly FieldDraft[] }, b: { doc: FlowDocument; fields: readonly FieldDraft[] }): boolean {
  return JSON.stringify(a.doc) === JSON.stringify(b.doc) && JSON.stringify(a.fields) === JSON.stringify(b.fields);
}
