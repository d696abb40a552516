import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { git, makeTempDir } from "../git/test-repos";
import { seedOrThrow } from "../seed";
import { openTestPglite } from "../testing/postgres";
import { publicSettings } from "./public-settings";

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

describe("first start", () => {
  it("seeding creates the example repo once; the settings expose its path for the run dialog", async () => {
    const dataDir = await makeTempDir("baton-seed");
    dirs.push(dataDir);
    expect(await publicSettings(dataDir)).toEqual({ dataDir, exampleRepo: null });
    const db = await openTestPglite();
    try {
      await seedOrThrow(db, { dataDir });
      const settings = await publicSettings(dataDir);
      expect(settings.exampleRepo).toBe(path.join(dataDir, "example-repo"));
      const head = await git(settings.exampleRepo!, "rev-parse", "HEAD");
      expect(await git(settings.exampleRepo!, "ls-files")).toContain("src/greet.js");
      // A second start leaves the repo as it is.
      await seedOrThrow(db, { dataDir });
      expect(await git(settings.exampleRepo!, "rev-parse", "HEAD")).toBe(head);
    } finally {
      await db.close();
    }
  });
});
