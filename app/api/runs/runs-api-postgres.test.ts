// The Run API on a Postgres server (DATABASE_URL), with the in-process embedded worker.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { createTestDatabase } from "@/lib/testing/postgres";

const database = await createTestDatabase();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-runs-api-pg-"));
process.env.BATON_DATA_DIR = dataDir;
process.env.DATABASE_URL = database.url;
process.env.BATON_WORKER_POLL_MS = "50";
process.env.BATON_WORKER_HEARTBEAT_MS = "50";

const { defineRunApiSuite } = await import("./api-suite");
defineRunApiSuite("postgres");

afterAll(async () => {
  await database.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});
