/** Agent profile queries. Profiles are named, configured backends ("demo", "claude", …). */
import { asc, eq } from "drizzle-orm";
import { agentProfiles, type AgentProfileRow } from "../db/schema";
import type { Executor } from "../db/client";

export async function listProfiles(db: Executor): Promise<AgentProfileRow[]> {
  return db.select().from(agentProfiles).orderBy(asc(agentProfiles.id));
}

/** Every profile's backend by id: what flow validation checks profile references and node options against. */
export async function profileBackends(db: Executor): Promise<Map<string, string>> {
  const result = await db.select({ id: agentProfiles.id, backend: agentProfiles.backend }).from(agentProfiles);
  return new Map(result.map((r) => [r.id, r.backend]));
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

/** Inserts one profile; returns undefined when the id is taken. */
export async function insertProfile(db: Executor, profile: NewProfile & { enabled: boolean }): Promise<AgentProfileRow | undefined> {
  const [row] = await db.insert(agentProfiles).values(profile).onConflictDoNothing({ target: agentProfiles.id }).returning();
  return row;
}

export async function updateProfile(
  db: Executor,
  id: string,
  patch: Partial<Pick<AgentProfileRow, "backend" | "label" | "config" | "enabled">>,
): Promise<AgentProfileRow | undefined> {
  const [row] = await db
    .update(agentProfiles)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(agentProfiles.id, id))
    .returning();
  return row;
}

export async function deleteProfile(db: Executor, id: string): Promise<boolean> {
  const rows = await db.delete(agentProfiles).where(eq(agentProfiles.id, id)).returning({ id: agentProfiles.id });
  return rows.length > 0;
}
