// The Run API on the embedded PGlite default, with the in-process embedded worker.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-runs-api-"));
process.env.BATON_DATA_DIR = dataDir;
process.env.BATON_WORKER_POLL_MS = "50";
process.env.BATON_WORKER_HEARTBEAT_MS = "50";
delete process.env.DATABASE_URL;

const { defineRunApiSuite } = await import("./api-suite");
defineRunApiSuite("pglite");

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
