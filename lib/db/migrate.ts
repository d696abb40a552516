/**
 * Applies the SQL migrations in drizzle/ on start, on both drivers.
 *
 * Safe when several processes start at once against one Postgres server: a session-level
 * advisory lock serialises them, and drizzle's migration journal makes a second pass a
 * no-op. PGlite is single-process, so it needs no lock.
 */
import path from "node:path";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import type { Db } from "./client";

// Arbitrary constant shared by every Baton process: "baton mig" in ASCII.
const MIGRATION_LOCK_KEY = 0x6261746f6e6d6967n;

export function migrationsFolder(): string {
  // turbopackIgnore: read at run time from the working directory; without it the build traces the whole project.
  return path.resolve(/*turbopackIgnore: true*/ process.env.BATON_MIGRATIONS_DIR ?? path.join(process.cwd(), "drizzle"));
}

export async function migrateOrThrow(db: Db): Promise<void> {
  const config = { migrationsFolder: migrationsFolder() };
  if (db.driver === "pglite") {
    await migratePglite(db.orm as unknown as PgliteDatabase<Record<string, unknown>>, config);
    return;
  }
  const pool = db.pool!;
  const lockClient = await pool.connect();
  try {
    await lockClient.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_KEY.toString()]);
    await migratePg(db.orm as unknown as NodePgDatabase<Record<string, unknown>>, config);
  } finally {
    await lockClient.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY.toString()]).catch(() => {});
    lockClient.release();
  }
}
