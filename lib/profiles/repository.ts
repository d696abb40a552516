/** Agent profile queries. Profiles are named, configured backends ("demo", "claude", …). */
import { asc, eq } from "drizzle-orm";
import { agentProfiles, type AgentProfileRow } from "../db/schema";
import type { Executor } from "../db/client";

export async function listProfiles(db: Executor): Promise<AgentProfileRow[]> {
  return db.select().from(agentProfiles).orderBy(asc(agentProfiles.id));
}

export async function profileIds(db: Executor): Promise<Set<string>> {
  const result = await db.select({ id: agentProfiles.id }).from(agentProfiles);
  return new Set(result.map((r) => r.id));
}

export async function findProfile(db: Executor, id: string): Promise<AgentProfileRow | undefined> {
  const [row] = await db.select().from(agentProfiles).where(eq(agentProfiles.id, id));
  return row;
}

export type NewProfile = Pick<AgentProfileRow, "id" | "backend" | "label" | "config">;

/** Inserts profiles that don't exist yet; never overwrites a user's edits. */
export async function insertMissingProfiles(db: Executor, profiles: NewProfile[]): Promise<void> {
  if (profiles.length === 0) return;
  await db.insert(agentProfiles).values(profiles).onConflictDoNothing({ target: agentProfiles.id });
}
