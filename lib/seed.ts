/**
 * First-start seeding: the default agent profiles, and the example flow when the database
 * has never held a flow (a user who deleted it doesn't get it back).
 */
import { sql } from "drizzle-orm";
import type { Db } from "./db/client";
import { EXAMPLE_FLOW } from "./flow/example";
import { countAllFlows } from "./flows/repository";
import { insertNewFlow, validateOrThrow } from "./flows/service";
import { DEFAULT_PROFILES } from "./profiles/defaults";
import { insertMissingProfiles } from "./profiles/repository";

export async function seedOrThrow(db: Db): Promise<void> {
  await insertMissingProfiles(db.orm, DEFAULT_PROFILES);
  const example = await validateOrThrow(db.orm, EXAMPLE_FLOW);
  // Several processes may start at once on one server: the transaction-scoped advisory
  // lock makes "count, then insert" atomic across them, so the example is seeded once.
  await db.orm.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK_KEY})`);
    if ((await countAllFlows(tx)) === 0) await insertNewFlow(tx, example, "example flow");
  });
}

// Arbitrary constant shared by every Baton process ("baton sd").
const SEED_LOCK_KEY = 0x6261746f6e7364;
