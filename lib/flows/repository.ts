/**
 * Flow and flow-version queries. Every function takes the executor first (a Db's orm or a
 * transaction). Versions are append-only: nothing here updates a flow_versions row.
 */
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { flows, flowVersions, type FlowRow } from "../db/schema";
import type { Executor } from "../db/client";
import type { FlowDocument } from "../flow/document";

export interface FlowSummary {
  id: string;
  name: string;
  description: string;
  latestVersion: number;
  nodeCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export async function listFlows(db: Executor): Promise<FlowSummary[]> {
  const result = await db
    .select({
      id: flows.id,
      name: flows.name,
      description: flows.description,
      latestVersion: flows.latestVersion,
      createdAt: flows.createdAt,
      updatedAt: flows.updatedAt,
      nodeCount: sql<number>`jsonb_array_length(${flowVersions.document}->'nodes')::int`,
    })
    .from(flows)
    .innerJoin(flowVersions, and(eq(flowVersions.flowId, flows.id), eq(flowVersions.version, flows.latestVersion)))
    .where(isNull(flows.deletedAt))
    .orderBy(desc(flows.updatedAt));
  return result.map((r) => ({ ...r, nodeCount: Number(r.nodeCount) }));
}

export async function findFlow(db: Executor, id: string, { includeDeleted = false } = {}): Promise<FlowRow | undefined> {
  const [row] = await db
    .select()
    .from(flows)
    .where(includeDeleted ? eq(flows.id, id) : and(eq(flows.id, id), isNull(flows.deletedAt)));
  return row;
}

/** Locks the flow row for the rest of the transaction (serialises concurrent saves). */
export async function lockFlow(db: Executor, id: string): Promise<FlowRow | undefined> {
  const [row] = await db
    .select()
    .from(flows)
    .where(and(eq(flows.id, id), isNull(flows.deletedAt)))
    .for("update");
  return row;
}

export async function insertFlow(db: Executor, row: { id: string; name: string; description: string }): Promise<void> {
  await db.insert(flows).values({ ...row, latestVersion: 1 });
}

export async function insertVersion(
  db: Executor,
  row: { flowId: string; version: number; document: FlowDocument; message: string },
): Promise<void> {
  await db.insert(flowVersions).values(row);
}

export async function setLatestVersion(
  db: Executor,
  id: string,
  fields: { latestVersion: number; name: string; description: string },
): Promise<void> {
  await db
    .update(flows)
    .set({ ...fields, updatedAt: new Date() })
    .where(eq(flows.id, id));
}

export async function markDeleted(db: Executor, id: string): Promise<boolean> {
  const result = await db
    .update(flows)
    .set({ deletedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(flows.id, id), isNull(flows.deletedAt)))
    .returning({ id: flows.id });
  return result.length > 0;
}

export interface VersionSummary {
  version: number;
  message: string;
  createdAt: Date;
  nodeCount: number;
}

export async function listVersions(db: Executor, flowId: string): Promise<VersionSummary[]> {
  const result = await db
    .select({
      version: flowVersions.version,
      message: flowVersions.message,
      createdAt: flowVersions.createdAt,
      nodeCount: sql<number>`jsonb_array_length(${flowVersions.document}->'nodes')::int`,
    })
    .from(flowVersions)
    .where(eq(flowVersions.flowId, flowId))
    .orderBy(desc(flowVersions.version));
  return result.map((r) => ({ ...r, nodeCount: Number(r.nodeCount) }));
}

export async function findVersion(
  db: Executor,
  flowId: string,
  version: number,
): Promise<{ version: number; document: FlowDocument; message: string; createdAt: Date } | undefined> {
  const [row] = await db
    .select({
      version: flowVersions.version,
      document: flowVersions.document,
      message: flowVersions.message,
      createdAt: flowVersions.createdAt,
    })
    .from(flowVersions)
    .where(and(eq(flowVersions.flowId, flowId), eq(flowVersions.version, version)));
  return row ? { ...row, document: row.document as FlowDocument } : undefined;
}

export async function countAllFlows(db: Executor): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(flows);
  return Number(row.n);
}
