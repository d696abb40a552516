import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { sql } from "drizzle-orm";
import { rows, type Db } from "./client";
import { Notifier } from "./notify";
import { openTestPglite, openTestPostgres, testServerUrl } from "../testing/postgres";
import { RUN_EVENTS_CHANNEL, STEP_READY_CHANNEL } from "../engine/contract";
import { waitFor } from "../dispatch/testing/fixtures";

describe("notifier on Postgres", () => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestPostgres();
  });
  afterAll(async () => {
    await db.close();
  });

  it("delivers ids on both channels and reconnects after its connection is killed", async () => {
    const notifier = new Notifier(db, { minBackoffMs: 20, maxBackoffMs: 200 });
    const ready: string[] = [];
    const events: string[] = [];
    notifier.subscribe(STEP_READY_CHANNEL, (id) => ready.push(id));
    const unsubscribe = notifier.subscribe(RUN_EVENTS_CHANNEL, (id) => events.push(id));
    await waitFor(async () => notifier.listening, 10_000, "LISTEN");
    await rows(db.orm, sql`select pg_notify(${STEP_READY_CHANNEL}, 'step_1'), pg_notify(${RUN_EVENTS_CHANNEL}, 'run_1')`);
    await waitFor(async () => ready.length === 1 && events.length === 1, 10_000, "first notifications");

    // Kill the LISTEN session from another connection, as a server restart would.
    const firstPid = notifier.backendPid;
    const admin = new pg.Client({ connectionString: testServerUrl() });
    await admin.connect();
    const killed = await admin.query("select pg_terminate_backend($1) as ok", [firstPid]);
    await admin.end();
    expect(killed.rows[0].ok).toBe(true);
    await waitFor(async () => notifier.listenCount === 2 && notifier.listening, 20_000, "re-LISTEN");
    expect(notifier.backendPid).not.toBe(firstPid);

    unsubscribe();
    await rows(db.orm, sql`select pg_notify(${STEP_READY_CHANNEL}, 'step_2'), pg_notify(${RUN_EVENTS_CHANNEL}, 'run_2')`);
    await waitFor(async () => ready.length === 2, 10_000, "notification after reconnect");
    expect(ready).toEqual(["step_1", "step_2"]);
    expect(events).toEqual(["run_1"]);
    await notifier.close();
  });
});

describe("notifier on PGlite", () => {
  it("delivers in-process notifications", async () => {
    const db = await openTestPglite();
    const notifier = new Notifier(db);
    const got: string[] = [];
    notifier.subscribe(RUN_EVENTS_CHANNEL, (id) => got.push(id));
    await waitFor(async () => notifier.listening, 10_000, "LISTEN");
    await rows(db.orm, sql`select pg_notify(${RUN_EVENTS_CHANNEL}, 'run_x')`);
    await waitFor(async () => got.length === 1, 10_000, "notification");
    expect(got).toEqual(["run_x"]);
    await notifier.close();
    await db.close();
  });
});
