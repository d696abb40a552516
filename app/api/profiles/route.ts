import { appDb } from "@/lib/app-db";
import { json, route } from "@/lib/http/route";
import { listProfiles } from "@/lib/profiles/repository";

export const dynamic = "force-dynamic";

export const GET = route(async () => {
  const db = await appDb();
  const profiles = await listProfiles(db.orm);
  return json({ profiles: profiles.map(({ id, backend, label, enabled }) => ({ id, backend, label, enabled })) });
});
