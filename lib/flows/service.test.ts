import { describe, expect, it, afterAll, beforeAll } from "vitest";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { rows } from "../db/client";
import { HttpError } from "../http/errors";
import { openTestPglite, openTestPostgres } from "../testing/postgres";
import { seedOrThrow } from "../seed";
import {
  createFlowOrThrow,
  deleteFlowOrThrow,
  getFlowOrThrow,
  getVersionOrThrow,
  listVersionsOrThrow,
  renameFlowOrThrow,
  saveVersionOrThrow,
} from "./service";
import { listFlows } from "./repository";

const doc = (name = "Flow", prompt = "do {{inputs.task}}") => ({
  name,
  inputs: [{ name: "task", required: true }],
  nodes: [{ id: "a", kind: "agent", config: { profile: "demo", prompt } }],
  edges: [],
});

async function counts(db: Db) {
  const [row] = await rows<{ flows: number; versions: number }>(
    db.orm,
    sql`select (select count(*)::int from flows) as flows, (select count(*)::int from flow_versions) as versions`,
  );
  return row;
}

async function expectHttpError(promise: Promise<unknown>, code: string, message?: RegExp) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpError);
  expect((error as HttpError).code).toBe(code);
  if (message) expect((error as HttpError).message).toMatch(message);
  return error as HttpError;
}

for (const driver of ["pglite", "postgres"] as const) {
  describe(`flows service on ${driver}`, () => {
    let db: Db;
    beforeAll(async () => {
      db = driver === "pglite" ? await openTestPglite() : await openTestPostgres();
      await seedOrThrow(db);
    });
    afterAll(async () => {
      await db.close();
    });

    it("seeds the demo profile and one example flow, once", async () => {
      await seedOrThrow(db);
      const flows = await listFlows(db.orm);
      expect(flows.filter((f) => f.name.startsWith("Example"))).toHaveLength(1);
    });

    it("creates a flow at version 1 and saves new immutable versions", async () => {
      const created = await createFlowOrThrow(db, doc("Alpha"));
      expect(created.version).toBe(1);
      const v2 = await saveVersionOrThrow(db, created.id, { document: doc("Alpha 2", "changed {{inputs.task}}"), message: "edit" });
      expect(v2.latestVersion).toBe(2);
      expect(v2.name).toBe("Alpha 2");
      const v1 = await getVersionOrThrow(db.orm, created.id, 1);
      expect(v1.document.nodes[0].config).toMatchObject({ prompt: "do {{inputs.task}}" });
      const versions = await listVersionsOrThrow(db.orm, created.id);
      expect(versions.map((v) => v.version)).toEqual([2, 1]);
      expect(versions[0].message).toBe("edit");
    });

    it("stores nothing when the document is invalid", async () => {
      const before = await counts(db);
      const error = await expectHttpError(createFlowOrThrow(db, doc("Bad", "{{inputs.nope}}")), "validation_failed");
      expect(error.issues).toEqual([
        { path: "nodes[0].config.prompt", message: '{{inputs.nope}} refers to unknown input "nope"', nodeId: "a" },
      ]);
      const created = await createFlowOrThrow(db, doc("Good"));
      const mid = await counts(db);
      await expectHttpError(saveVersionOrThrow(db, created.id, { document: { ...doc("Good"), nodes: [] , edges: [{ from: "x", to: "y" }] } }), "validation_failed");
      expect(await counts(db)).toEqual(mid);
      expect(mid.flows).toBe(before.flows + 1);
      expect((await getFlowOrThrow(db.orm, created.id)).latestVersion).toBe(1);
    });

    it("refuses unknown profiles", async () => {
      const bad = { ...doc(), nodes: [{ id: "a", kind: "agent", config: { profile: "ghost", prompt: "x" } }] };
      const error = await expectHttpError(createFlowOrThrow(db, bad), "validation_failed", /unknown profile "ghost"/);
      expect(error.issues[0].path).toBe("nodes[0].config.profile");
    });

    it("answers 409 when saving over a newer version", async () => {
      const created = await createFlowOrThrow(db, doc("Race"));
      await saveVersionOrThrow(db, created.id, { document: doc("Race"), baseVersion: 1 });
      await expectHttpError(saveVersionOrThrow(db, created.id, { document: doc("Race"), baseVersion: 1 }), "conflict", /version 2/);
    });

    it("gives concurrent saves distinct consecutive versions", async () => {
      const created = await createFlowOrThrow(db, doc("Concurrent"));
      await Promise.all(Array.from({ length: 6 }, (_, i) => saveVersionOrThrow(db, created.id, { document: doc(`Concurrent ${i}`) })));
      const versions = await listVersionsOrThrow(db.orm, created.id);
      expect(versions.map((v) => v.version)).toEqual([7, 6, 5, 4, 3, 2, 1]);
      expect((await getFlowOrThrow(db.orm, created.id)).latestVersion).toBe(7);
    });

    it("renames as a new version and deletes softly", async () => {
      const created = await createFlowOrThrow(db, doc("Old name"));
      const renamed = await renameFlowOrThrow(db, created.id, "New name");
      expect(renamed.name).toBe("New name");
      expect(renamed.document.name).toBe("New name");
      expect(renamed.latestVersion).toBe(2);
      await deleteFlowOrThrow(db, created.id);
      await expectHttpError(getFlowOrThrow(db.orm, created.id), "not_found");
      await expectHttpError(deleteFlowOrThrow(db, created.id), "not_found");
      expect((await listFlows(db.orm)).some((f) => f.id === created.id)).toBe(false);
      // The versions stay for runs that point at them.
      const [kept] = await rows<{ n: number }>(db.orm, sql`select count(*)::int as n from flow_versions where flow_id = ${created.id}`);
      expect(kept.n).toBe(2);
    });

    it("answers 404 for unknown flows and versions", async () => {
      await expectHttpError(getFlowOrThrow(db.orm, "flow_missing"), "not_found", /flow "flow_missing" not found/);
      const created = await createFlowOrThrow(db, doc("Versions"));
      await expectHttpError(getVersionOrThrow(db.orm, created.id, 9), "not_found", /version 9/);
    });
  });
}

describe("seeding on a Postgres server", () => {
  it("seeds the example flow once when several processes start together", async () => {
    const db = await openTestPostgres();
    try {
      const others = await Promise.all(Array.from({ length: 3 }, () => import("../db/client").then((m) => m.openDb({ url: db.url, migrate: false }))));
      await Promise.all([db, ...others].map((d) => seedOrThrow(d)));
      await Promise.all(others.map((d) => d.close()));
      expect((await listFlows(db.orm)).length).toBe(1);
    } finally {
      await db.close();
    }
  });
});
