/**
 * The application's database: opened, migrated and seeded once per process.
 * Route handlers and the embedded worker call this; tests open their own Db.
 */
import { getDb, type Db } from "./db/client";
import { seedOrThrow } from "./seed";

const shared = globalThis as unknown as { __batonAppDb?: Promise<Db> };

export function appDb(): Promise<Db> {
  if (!shared.__batonAppDb) {
    shared.__batonAppDb = getDb()
      .then(async (db) => {
        await seedOrThrow(db);
        return db;
      })
      .catch((error: unknown) => {
        shared.__batonAppDb = undefined;
        throw error;
      });
  }
  return shared.__batonAppDb;
}
