/**
 * Flow use-cases behind the HTTP API: validate, then write in one transaction, so an
 * invalid or half-written flow is never stored.
 */
import { z } from "zod";
import type { Db, Executor } from "../db/client";
import { HttpError, notFound } from "../http/errors";
import { parseOrThrow } from "../http/body";
import { newId } from "../ids";
import type { FlowDocument } from "../flow/document";
import { validateFlow, type ValidationResult } from "../flow/validate";
import { profileBackends } from "../profiles/repository";
import * as repo from "./repository";
import { deleteDraftFromBase, findDraft, type FlowDraft } from "./drafts";

export interface FlowDetail {
  id: string;
  name: string;
  description: string;
  latestVersion: number;
  version: number;
  document: FlowDocument;
  /** Work saved while the flow had problems (drafts.ts); runs use `version`, never this. */
  draft: FlowDraft | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The check every save runs (profiles and their backends from the database); validate_flow answers with it. */
export async function validateForSave(db: Executor, input: unknown): Promise<ValidationResult> {
  return validateFlow(input, { profiles: await profileBackends(db) });
}

export async function validateOrThrow(db: Executor, input: unknown): Promise<FlowDocument> {
  const result = await validateForSave(db, input);
  if (!result.ok) {
    const first = result.issues[0];
    throw new HttpError(
      "validation_failed",
      `invalid flow: ${first.path}: ${first.message}${result.issues.length > 1 ? ` (and ${result.issues.length - 1} more)` : ""}`,
      result.issues,
    );
  }
  return result.flow;
}

export async function createFlowOrThrow(db: Db, input: unknown, message = "created"): Promise<FlowDetail> {
  const document = await validateOrThrow(db.orm, input);
  const id = await db.orm.transaction((tx) => insertNewFlow(tx, document, message));
  return getFlowOrThrow(db.orm, id);
}

/** Inside the caller's transaction: a validated document becomes flow + version 1. */
export async function insertNewFlow(tx: Executor, document: FlowDocument, message: string): Promise<string> {
  const id = newId("flow");
  await repo.insertFlow(tx, { id, name: document.name, description: document.description ?? "" });
  await repo.insertVersion(tx, { flowId: id, version: 1, document, message });
  return id;
}

export async function getFlowOrThrow(db: Executor, id: string): Promise<FlowDetail> {
  const flow = await repo.findFlow(db, id);
  if (!flow) throw notFound(`flow "${id}"`);
  const version = await repo.findVersion(db, id, flow.latestVersion);
  if (!version) throw notFound(`flow "${id}" version ${flow.latestVersion}`);
  return {
    id: flow.id,
    name: flow.name,
    description: flow.description,
    latestVersion: flow.latestVersion,
    version: version.version,
    document: version.document,
    draft: await findDraft(db, id),
    createdAt: flow.createdAt,
    updatedAt: flow.updatedAt,
  };
}

export const saveVersionBodySchema = z.object({
  document: z.unknown(),
  message: z.string().max(500).optional(),
  /** The version the editor started from; a newer saved version → 409 instead of overwriting. */
  baseVersion: z.number().int().min(1).optional(),
});

/** PUT accepts either `{document, message?, baseVersion?}` or a bare flow document. */
export function parseSaveBody(body: unknown): z.infer<typeof saveVersionBodySchema> {
  if (body && typeof body === "object" && "document" in body) return parseOrThrow(saveVersionBodySchema, body);
  return { document: body };
}

export async function saveVersionOrThrow(
  db: Db,
  id: string,
  body: { document: unknown; message?: string; baseVersion?: number },
): Promise<FlowDetail> {
  const document = await validateOrThrow(db.orm, body.document);
  await db.orm.transaction(async (tx) => {
    const flow = await repo.lockFlow(tx, id);
    if (!flow) throw notFound(`flow "${id}"`);
    if (body.baseVersion !== undefined && body.baseVersion !== flow.latestVersion) {
      throw new HttpError(
        "conflict",
        `flow "${id}" was saved as version ${flow.latestVersion} since you loaded version ${body.baseVersion}; reload before saving`,
      );
    }
    const version = flow.latestVersion + 1;
    await repo.insertVersion(tx, { flowId: id, version, document, message: body.message ?? "" });
    // The editor saved its draft's content as a version: the draft is done.
    if (body.baseVersion !== undefined) await deleteDraftFromBase(tx, id, body.baseVersion);
    await repo.setLatestVersion(tx, id, { latestVersion: version, name: document.name, description: document.description ?? "" });
  });
  return getFlowOrThrow(db.orm, id);
}

export async function renameFlowOrThrow(db: Db, id: string, name: string): Promise<FlowDetail> {
  const current = await getFlowOrThrow(db.orm, id);
  return saveVersionOrThrow(db, id, { document: { ...current.document, name }, message: `renamed to "${name}"` });
}

export async function deleteFlowOrThrow(db: Db, id: string): Promise<void> {
  if (!(await repo.markDeleted(db.orm, id))) throw notFound(`flow "${id}"`);
}

export async function listVersionsOrThrow(db: Executor, id: string) {
  if (!(await repo.findFlow(db, id))) throw notFound(`flow "${id}"`);
  return repo.listVersions(db, id);
}

export async function getVersionOrThrow(db: Executor, id: string, version: number) {
  if (!(await repo.findFlow(db, id))) throw notFound(`flow "${id}"`);
  const row = await repo.findVersion(db, id, version);
  if (!row) throw notFound(`flow "${id}" version ${version}`);
  return row;
}
