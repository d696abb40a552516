/**
 * Throwaway databases on the real Postgres server for tests that need one (concurrency,
 * LISTEN/NOTIFY, SKIP LOCKED). Each suite gets its own database, so suites run in parallel
 * without seeing each other's rows.
 *
 * The server URL comes from BATON_TEST_DATABASE_URL (.ci/run sets it), defaulting to the
 * local server. When no server answers, the server-backed suites fail loudly rather than
 * skip: a skipped concurrency test proves nothing.
 */
import crypto from "node:crypto";
import pg from "pg";
import { openDb, type Db } from "../db/client";

export function testServerUrl(): string {
  return process.env.BATON_TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(prefix = "baton_t"): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  const name = `${prefix}_${crypto.randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A migrated Db on a fresh server database; `close()` also drops the database. */
export async function openTestPostgres(poolSize = 10): Promise<Db & { url: string }> {
  const database = await createTestDatabase();
  const db = await openDb({ url: database.url, poolSize });
  return {
    ...db,
    url: database.url,
    async close() {
      await db.close();
      await database.drop();
    },
  };
}

/** A migrated in-memory PGlite Db. */
export function openTestPglite(): Promise<Db> {
  return openDb({ dataDir: "memory://" });
}
