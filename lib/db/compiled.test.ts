import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import type { Db } from "./client";
import { compiled } from "./compiled";
import { openTestPglite, openTestPostgres } from "../testing/postgres";

const LIMIT = 3;
// A placeholder used twice, a constant, and a nested fragment.
const statement = compiled<{ word: string; times: number }>(
  (p) => sql`select ${p.word}::text || ${p.word}::text as doubled, ${LIMIT}::int as limit, ${sql`${p.times}::int * 2`} as twice`,
);

describe.each([
  ["pglite", openTestPglite],
  ["postgres", () => openTestPostgres()],
] as const)("compiled statements on %s", (_driver, open) => {
  let db: Db;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db.close();
  });

  it("renders once and fills each placeholder where it appears, on every call", async () => {
    expect(await statement.rows(db, { word: "ab", times: 4 })).toEqual([{ doubled: "abab", limit: 3, twice: 8 }]);
    expect(await statement.rows(db, { word: "x", times: 21 })).toEqual([{ doubled: "xx", limit: 3, twice: 42 }]);
  });

  it("passes values as parameters, never as SQL", async () => {
    const hostile = "'; drop table runs; --";
    expect(await statement.rows(db, { word: hostile, times: 0 })).toEqual([{ doubled: hostile + hostile, limit: 3, twice: 0 }]);
  });
});
