import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openDb, rows, type Db } from "./client";
import { createTestDatabase, openTestPglite, testServerUrl } from "../testing/postgres";

const run = promisify(execFile);

const TABLES = ["agent_profiles", "flow_drafts", "flow_versions", "flows", "runs", "sessions", "settings", "step_attempts", "step_events", "steps", "workers"];

async function tables(db: Db): Promise<string[]> {
  const result = await rows<{ table_name: string }>(
    db.orm,
    sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
  );
  return result.map((r) => r.table_name);
}

async function expectStateCheck(db: Db) {
  await db.orm.execute(sql`insert into runs (id, flow_id, flow_version) values ('r1', 'f', 1)`);
  await expect(
    db.orm.execute(sql`insert into steps (id, run_id, node_id, key, kind, state) values ('s1', 'r1', 'n', 'n', 'agent', 'exploded')`),
  ).rejects.toThrow();
  // A running step must carry a lease.
  await expect(
    db.orm.execute(sql`insert into steps (id, run_id, node_id, key, kind, state) values ('s2', 'r1', 'n', 'n', 'agent', 'running')`),
  ).rejects.toThrow();
  await db.orm.execute(sql`insert into steps (id, run_id, node_id, key, kind, state) values ('s3', 'r1', 'n', 'n', 'agent', 'ready')`);
  // (run_id, key) is unique.
  await expect(
    db.orm.execute(sql`insert into steps (id, run_id, node_id, key, kind) values ('s4', 'r1', 'n', 'n', 'agent')`),
  ).rejects.toThrow();
}

describe("migrations on PGlite", () => {
  it("create every table with its constraints, and a second pass is a no-op", async () => {
    const db = await openTestPglite();
    try {
      expect(await tables(db)).toEqual(TABLES);
      const { migrateOrThrow } = await import("./migrate");
      await migrateOrThrow(db);
      expect(await tables(db)).toEqual(TABLES);
      await expectStateCheck(db);
    } finally {
      await db.close();
    }
  });
});

describe("migrations on a Postgres server", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it("create every table with its constraints", async () => {
    const database = await createTestDatabase();
    cleanups.push(database.drop);
    const db = await openDb({ url: database.url });
    try {
      expect(await tables(db)).toEqual(TABLES);
      await expectStateCheck(db);
    } finally {
      await db.close();
    }
  });

  it("are safe when several processes start at once", async () => {
    expect(testServerUrl()).toMatch(/^postgres/);
    const database = await createTestDatabase();
    cleanups.push(database.drop);
    const script = path.join(import.meta.dirname, "migrate-entry.test-helper.ts");
    const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
    const results = await Promise.all(
      Array.from({ length: 4 }, () => run(tsx, [script], { env: { ...process.env, DATABASE_URL: database.url } })),
    );
    for (const result of results) expect(result.stdout.trim()).toBe("migrated");
    const db = await openDb({ url: database.url, migrate: false });
    try {
      expect(await tables(db)).toEqual(TABLES);
      const [journal] = await rows<{ n: number }>(db.orm, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      expect(journal.n).toBeGreaterThanOrEqual(1);
      const files = (await import("node:fs")).readdirSync(path.join(process.cwd(), "drizzle")).filter((f) => f.endsWith(".sql"));
      expect(journal.n).toBe(files.length);
    } finally {
      await db.close();
    }
  });
});
