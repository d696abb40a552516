/**
 * How long a finished run keeps its attempt refs and kept worktrees. Three sources, first
 * that is set wins:
 *   1. the setting saved on /settings (the `settings` row `ref_retention_days`);
 *   2. BATON_REF_RETENTION_DAYS in the server's environment — the installation's default;
 *   3. DEFAULT_REF_RETENTION_DAYS.
 * A person can thus change it without a restart, and "Use the default" (deleting the row)
 * goes back to what the environment says. The page shows the value and where it came from.
 */
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "../db/client";
import { settings } from "../db/schema";
import { DEFAULT_REF_RETENTION_DAYS, refRetentionDays } from "../engine/ref-retention";

export const RETENTION_KEY = "ref_retention_days";
export const MAX_RETENTION_DAYS = 99_999;

/** A stored or requested retention: whole days (0: at the next sweep) or "forever". */
export const retentionValueSchema = z.union([z.int().min(0).max(MAX_RETENTION_DAYS), z.literal("forever")], {
  error: `expected whole days from 0 to ${MAX_RETENTION_DAYS}, "forever", or null (back to the default)`,
});
export type RetentionValue = z.infer<typeof retentionValueSchema>;

/** PUT body: a value to store, or null to delete the setting (back to the env or default). */
export const retentionBodySchema = z.strictObject({
  days: retentionValueSchema.nullable(),
});

export interface Retention {
  /** Days a finished run keeps its refs and kept worktrees; null: forever. */
  days: number | null;
  source: "setting" | "env" | "default";
  /** BATON_REF_RETENTION_DAYS as set in the environment (null when unset). */
  env: string | null;
  defaultDays: number;
}

/** Pure: which value applies, from the stored setting (or none) and the environment. */
export function resolveRetention(stored: RetentionValue | null, env: Record<string, string | undefined>): Retention {
  const raw = env.BATON_REF_RETENTION_DAYS?.trim() || null;
  const base = { env: raw, defaultDays: DEFAULT_REF_RETENTION_DAYS };
  if (stored !== null) return { ...base, days: stored === "forever" ? null : stored, source: "setting" };
  if (raw !== null) return { ...base, days: refRetentionDays(env), source: "env" };
  return { ...base, days: DEFAULT_REF_RETENTION_DAYS, source: "default" };
}

async function storedRetention(db: Executor): Promise<RetentionValue | null> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, RETENTION_KEY));
  if (!row) return null;
  const parsed = retentionValueSchema.safeParse(row.value);
  // A row this version can't read (written by hand) is ignored, not fatal: the env applies.
  return parsed.success ? parsed.data : null;
}

export async function currentRetention(db: Executor, env: Record<string, string | undefined> = process.env): Promise<Retention> {
  return resolveRetention(await storedRetention(db), env);
}

/** Stores `value`, or deletes the setting when null; answers what applies now. */
export async function setRetention(db: Executor, value: RetentionValue | null, env: Record<string, string | undefined> = process.env): Promise<Retention> {
  if (value === null) await db.delete(settings).where(eq(settings.key, RETENTION_KEY));
  else {
    await db
      .insert(settings)
      .values({ key: RETENTION_KEY, value })
      .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: sql`now()` } });
  }
  return resolveRetention(value, env);
}
