import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import { HttpError } from "../http/errors";
import { openTestPglite, openTestPostgres } from "../testing/postgres";
import { seedOrThrow } from "../seed";
import { createFlowOrThrow, getFlowOrThrow, getVersionOrThrow, saveVersionOrThrow } from "./service";
import { deleteDraftOrThrow, saveDraftOrThrow } from "./drafts";

const doc = (prompt = "do {{inputs.task}}") => ({
  name: "Drafted",
  inputs: [{ name: "task", required: true }],
  nodes: [{ id: "a", kind: "agent", config: { profile: "demo", prompt } }],
  edges: [],
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(HttpError);
  return (error as HttpError).code;
}

for (const driver of ["pglite", "postgres"] as const) {
  describe(`flow drafts on ${driver}`, () => {
    let db: Db;
    beforeAll(async () => {
      db = driver === "pglite" ? await openTestPglite() : await openTestPostgres();
      await seedOrThrow(db);
    });
    afterAll(async () => {
      await db.close();
    });

    it("keeps an invalid document as the flow's draft; the version runs use is untouched", async () => {
      const flow = await createFlowOrThrow(db, doc());
      expect(flow.draft).toBeNull();
      const broken = { ...doc(""), name: "" };
      const fields = [{ nodeId: "a", path: "options", text: '{"failTimes": ', error: "not valid JSON" }];
      const draft = await saveDraftOrThrow(db, flow.id, { document: broken, baseVersion: 1, fields });
      expect(draft.issues.map((i) => i.path)).toEqual(["name", "nodes[0].config.prompt"]);
      const loaded = await getFlowOrThrow(db.orm, flow.id);
      expect(loaded.version).toBe(1);
      expect(loaded.document).toEqual(doc());
      expect(loaded.draft?.document).toEqual(broken);
      expect(loaded.draft?.fields).toEqual(fields);
      expect((await getVersionOrThrow(db.orm, flow.id, 1)).document).toEqual(doc());
      // A second draft replaces the first.
      await saveDraftOrThrow(db, flow.id, { document: doc("{{inputs.nope}}"), baseVersion: 1 });
      expect((await getFlowOrThrow(db.orm, flow.id)).draft?.issues.map((i) => i.message)).toEqual([
        '{{inputs.nope}} refers to unknown input "nope"',
      ]);
    });

    it("saving a version from the draft's base ends the draft; a save without a base leaves it", async () => {
      const flow = await createFlowOrThrow(db, doc());
      await saveDraftOrThrow(db, flow.id, { document: doc(""), baseVersion: 1 });
      await saveVersionOrThrow(db, flow.id, { document: { ...doc(), name: "Renamed elsewhere" } });
      expect((await getFlowOrThrow(db.orm, flow.id)).draft?.baseVersion).toBe(1);
      // The draft is now stale: saving over it again is a conflict, like a stale version save.
      expect(await codeOf(saveDraftOrThrow(db, flow.id, { document: doc(""), baseVersion: 1 }))).toBe("conflict");
      await saveDraftOrThrow(db, flow.id, { document: doc(""), baseVersion: 2 });
      const saved = await saveVersionOrThrow(db, flow.id, { document: doc("fixed"), baseVersion: 2 });
      expect(saved.version).toBe(3);
      expect(saved.draft).toBeNull();
    });

    it("refuses what is not a flow document's shape, naming the field, and stores nothing", async () => {
      const flow = await createFlowOrThrow(db, doc());
      const error = await saveDraftOrThrow(db, flow.id, { document: { name: "x", nodes: "many" }, baseVersion: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HttpError);
      expect((error as HttpError).status).toBe(400);
      expect((error as HttpError).message).toMatch(/document\.nodes/);
      expect(await codeOf(saveDraftOrThrow(db, flow.id, { document: doc(), baseVersion: 0 }))).toBe("validation_failed");
      expect(await codeOf(saveDraftOrThrow(db, "flow_missing", { document: doc(), baseVersion: 1 }))).toBe("not_found");
      expect((await getFlowOrThrow(db.orm, flow.id)).draft).toBeNull();
    });

    it("discards a draft", async () => {
      const flow = await createFlowOrThrow(db, doc());
      await saveDraftOrThrow(db, flow.id, { document: doc(""), baseVersion: 1 });
      await deleteDraftOrThrow(db, flow.id);
      expect((await getFlowOrThrow(db.orm, flow.id)).draft).toBeNull();
      expect(await codeOf(deleteDraftOrThrow(db, "flow_missing"))).toBe("not_found");
    });
  });
}
