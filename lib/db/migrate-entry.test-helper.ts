// Child process for migrate.test.ts: opens (and so migrates) DATABASE_URL, then exits.
import { openDb } from "./client";

const db = await openDb({ url: process.env.DATABASE_URL, poolSize: 2 });
await db.close();
console.log("migrated");
