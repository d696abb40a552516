import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/postgres";
import { PreparingClient } from "./preparing-client";

let database: TestDatabase;
let client: PreparingClient;
beforeAll(async () => {
  database = await createTestDatabase("baton_prep");
  client = new PreparingClient({ connectionString: database.url });
  await client.connect();
});
afterAll(async () => {
  await client.end();
  await database.drop();
});

const prepared = async () =>
  (await client.query("select name, statement from pg_prepared_statements order by name")).rows as Array<{ name: string; statement: string }>;

describe("PreparingClient", () => {
  it("prepares a parameterised query once per connection and reuses it", async () => {
    const text = "select $1::int + 1 as n";
    expect((await client.query(text, [1])).rows).toEqual([{ n: 2 }]);
    expect((await client.query({ text, values: [41] })).rows).toEqual([{ n: 42 }]);
    expect(await prepared()).toEqual([{ name: "baton_1", statement: text }]);
    expect(client.preparedCount).toBe(1);
  });

  it("leaves parameterless queries on the simple protocol (several statements in one string)", async () => {
    const result = (await client.query("create table t (x int); insert into t values (7); select x from t")) as unknown as Array<{ rows: unknown[] }>;
    expect(result.map((r) => r.rows)).toEqual([[], [], [{ x: 7 }]]);
    expect((await prepared()).map((p) => p.name)).toEqual(["baton_1"]);
  });

  it("keeps an explicitly named statement's own name", async () => {
    await client.query({ name: "mine", text: "select $1::text as s", values: ["x"] });
    expect((await prepared()).map((p) => p.name)).toEqual(["baton_1", "mine"]);
  });
});
