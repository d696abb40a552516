import { sql } from "drizzle-orm";
import { appDb } from "@/lib/app-db";
import { rows } from "@/lib/db/client";
import { json, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route(async () => {
  const started = performance.now();
  const db = await appDb();
  await rows(db.orm, sql`select 1`);
  return json({ ok: true, database: db.driver, latencyMs: Math.round((performance.now() - started) * 100) / 100 });
});
