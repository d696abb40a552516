/**
 * Flow drafts: a document with problems, saved so that work is never lost, but never a
 * version. Invariants:
 * - Runs read versions only; a draft changes nothing a run, the MCP tools or the API's
 *   GET of a version sees.
 * - A draft is only stored when it has a flow document's shape (drafts are for documents the
 *   editor made: problems in values and references, not arbitrary JSON); the editor can open
 *   any stored draft.
 * - A draft is based on a version; saving it over a newer one is a conflict (409), exactly as
 *   for versions. Saving a version from the draft's base version deletes the draft, in the
 *   same transaction (service.ts).
 */
import { z } from "zod";
import { eq } from "drizzle-orm";
import type { Db, Executor } from "../db/client";
import { flowDrafts } from "../db/schema";
import { HttpError, notFound } from "../http/errors";
import { parseOrThrow } from "../http/body";
import { rawFlowSchema, type FlowDocument } from "../flow/document";
import { validateFlow, type ValidationIssue } from "../flow/validate";
import { profileBackends } from "../profiles/repository";
import * as repo from "./repository";

/** A flow document's shape; the name may be empty (a draft may be mid-rename). */
const draftDocumentSchema = rawFlowSchema.extend({ name: z.string().max(200) });

/** Text of a structured field that doesn't parse yet (lib/editor/field-drafts.ts). */
export const draftFieldSchema = z.object({
  nodeId: z.string().min(1).max(64),
  path: z.string().min(1).max(200),
  text: z.string().max(100_000),
  error: z.string().max(1000),
});
export type DraftField = z.infer<typeof draftFieldSchema>;

export const saveDraftBodySchema = z.object({
  document: draftDocumentSchema,
  baseVersion: z.number().int().min(1),
  fields: z.array(draftFieldSchema).max(100).default([]),
});

export interface FlowDraft {
  document: FlowDocument;
  fields: DraftField[];
  baseVersion: number;
  /** What keeps the draft from being a version (empty if it became valid since). */
  issues: ValidationIssue[];
  updatedAt: Date;
}

async function toDraft(db: Executor, row: typeof flowDrafts.$inferSelect): Promise<FlowDraft> {
  const result = validateFlow(row.document, { profiles: await profileBackends(db) });
  return {
    document: row.document as FlowDocument,
    fields: row.fields as DraftField[],
    baseVersion: row.baseVersion,
    issues: result.ok ? [] : result.issues,
    updatedAt: row.updatedAt,
  };
}

export async function findDraft(db: Executor, flowId: string): Promise<FlowDraft | null> {
  const [row] = await db.select().from(flowDrafts).where(eq(flowDrafts.flowId, flowId));
  return row ? toDraft(db, row) : null;
}

export async function saveDraftOrThrow(db: Db, flowId: string, body: unknown): Promise<FlowDraft> {
  const draft = parseOrThrow(saveDraftBodySchema, body);
  await db.orm.transaction(async (tx) => {
    const flow = await repo.lockFlow(tx, flowId);
    if (!flow) throw notFound(`flow "${flowId}"`);
    if (draft.baseVersion !== flow.latestVersion) {
      throw new HttpError(
        "conflict",
        `flow "${flowId}" was saved as version ${flow.latestVersion} since you loaded version ${draft.baseVersion}; reload before saving`,
      );
    }
    const values = { document: draft.document, fields: draft.fields, baseVersion: draft.baseVersion, updatedAt: new Date() };
    await tx.insert(flowDrafts).values({ flowId, ...values }).onConflictDoUpdate({ target: flowDrafts.flowId, set: values });
  });
  const saved = await findDraft(db.orm, flowId);
  if (!saved) throw notFound(`draft of flow "${flowId}"`);
  return saved;
}

/** Inside a version save's transaction: the draft it supersedes goes (see the invariants). */
export async function deleteDraftFromBase(tx: Executor, flowId: string, baseVersion: number): Promise<void> {
  const [row] = await tx.select({ baseVersion: flowDrafts.baseVersion }).from(flowDrafts).where(eq(flowDrafts.flowId, flowId));
  if (row && row.baseVersion === baseVersion) await tx.delete(flowDrafts).where(eq(flowDrafts.flowId, flowId));
}

export async function deleteDraftOrThrow(db: Db, flowId: string): Promise<void> {
  if (!(await repo.findFlow(db.orm, flowId))) throw notFound(`flow "${flowId}"`);
  await db.orm.delete(flowDrafts).where(eq(flowDrafts.flowId, flowId));
}
