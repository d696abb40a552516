/**
 * First-start seeding: the default agent profiles, and the example flow when the database
 * has never held a flow (a user who deleted it doesn't get it back).
 */
import type { Db } from "./db/client";
import { EXAMPLE_FLOW } from "./flow/example";
import { countAllFlows } from "./flows/repository";
import { createFlowOrThrow } from "./flows/service";
import { DEFAULT_PROFILES } from "./profiles/defaults";
import { insertMissingProfiles } from "./profiles/repository";

export async function seedOrThrow(db: Db): Promise<void> {
  await insertMissingProfiles(db.orm, DEFAULT_PROFILES);
  if ((await countAllFlows(db.orm)) === 0) {
    await createFlowOrThrow(db, EXAMPLE_FLOW, "example flow");
  }
}
