// Drives GET /api/workers over the embedded database (no worker process needed: rows and
// leases are written with the dispatcher's own operations).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-workers-api-"));
process.env.BATON_DATA_DIR = dataDir;
delete process.env.DATABASE_URL;

const workersRoute = await import("./route");
const { appDb } = await import("@/lib/app-db");
const { rows } = await import("@/lib/db/client");
const { registerWorker, describeWorker } = await import("@/lib/dispatch/register-worker");
const { deregisterWorker } = await import("@/lib/dispatch/deregister-worker");
const { claimSteps } = await import("@/lib/dispatch/claim-steps");
const { insertRun } = await import("@/lib/dispatch/testing/fixtures");

const noParams = { params: Promise.resolve({} as Record<string, never>) };
const get = (query = "") => workersRoute.GET(new Request(`http://127.0.0.1/api/workers${query}`), noParams);

afterAll(async () => {
  await (await appDb()).close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("GET /api/workers", () => {
  it("lists live workers with heartbeat age and running steps, not stopped or stale ones", async () => {
    const db = await appDb();
    const live = describeWorker({ id: "wkr_live", tags: ["profile:demo"], concurrency: 2, mode: "embedded" });
    const stopped = describeWorker({ id: "wkr_stopped", tags: [], concurrency: 1, mode: "standalone" });
    const stale = describeWorker({ id: "wkr_stale", tags: [], concurrency: 1, mode: "standalone" });
    for (const w of [live, stopped, stale]) await registerWorker(db.orm, w);
    await deregisterWorker(db.orm, stopped.id);
    await rows(db.orm, sql`update workers set heartbeat_at = now() - interval '5 minutes' where id = ${stale.id}`);
    const { runId, stepIds } = await insertRun(db.orm, [{ key: "a", requiredTags: ["profile:demo"] }]);
    await claimSteps(db.orm, { workerId: live.id, tags: live.tags, limit: 1, leaseMs: 60_000 });

    const response = await get();
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      workers: Array<{ id: string; mode: string; tags: string[]; heartbeatAgeMs: number; runningSteps: Array<{ id: string; runId: string; attempt: number }> }>;
    };
    expect(body.workers.map((w) => w.id)).toEqual(["wkr_live"]);
    const [worker] = body.workers;
    expect(worker).toMatchObject({ mode: "embedded", tags: ["profile:demo"] });
    expect(worker.heartbeatAgeMs).toBeGreaterThanOrEqual(0);
    expect(worker.runningSteps).toEqual([expect.objectContaining({ id: stepIds.a, runId, attempt: 1 })]);

    const wide = (await (await get("?staleAfterMs=3600000")).json()) as { workers: Array<{ id: string }> };
    expect(wide.workers.map((w) => w.id).sort()).toEqual(["wkr_live", "wkr_stale"]);
  });

  it("rejects a bad query with the field and reason", async () => {
    const response = await get("?staleAfterMs=abc");
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string };
    expect(body.error).toContain("staleAfterMs");
  });
});
