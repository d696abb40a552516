/**
 * First-start seeding: the default agent profiles, the example flow when the database has
 * never held a flow (a user who deleted it doesn't get it back), and the bundled example repo
 * (`<dataDir>/example-repo`) the example flow runs on, so its steps show real diffs.
 */
import { sql } from "drizzle-orm";
import { dataDir as defaultDataDir, type Db } from "./db/client";
import { ensureExampleRepo } from "./git/example-repo";
import { EXAMPLE_FLOW } from "./flow/example";
import { countAllFlows } from "./flows/repository";
import { insertNewFlow, validateOrThrow } from "./flows/service";
import { seedProfilesOrThrow } from "./profiles/config-file";
import { insertMissingProfiles } from "./profiles/repository";

export interface SeedOptions {
  /** Where the example repo goes (default: the process data dir). */
  dataDir?: string;
}

export async function seedOrThrow(db: Db, options: SeedOptions = {}): Promise<void> {
  await seedExampleRepo(options.dataDir ?? defaultDataDir());
  // Built-in defaults plus baton.config.json (or $BATON_CONFIG); never overwrites edits.
  await insertMissingProfiles(db.orm, await seedProfilesOrThrow());
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

/**
 * The example repo is a convenience: without git (or with an unwritable data dir) the app
 * still starts, and runs without a repo keep working in scratch dirs.
 */
async function seedExampleRepo(dataDir: string): Promise<void> {
  try {
    await ensureExampleRepo(dataDir);
  } catch (error) {
    console.error(`[baton] the example repo could not be created: ${error instanceof Error ? error.message : String(error)}`);
  }
}
