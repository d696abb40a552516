/**
 * Agent profiles as the MCP tools describe them (list_providers, describe_flow_format): each
 * with a real availability answer instead of "not checked yet". The default level is
 * "installed" — the program is found, nothing is started — so listing stays fast and side-effect
 * free; "started" and "authenticated" spawn each agent once (cached briefly, shared with the
 * settings page: lib/profiles/availability.ts).
 */
import type { AvailabilityLevel } from "../agents/types";
import { allowedNodeOptions } from "../agents/node-options";
import type { Executor } from "../db/client";
import { dataDir } from "../db/client";
import { checkProfileAvailability } from "../profiles/availability";
import { lookupBackend } from "../profiles/backends";
import { listProfiles } from "../profiles/repository";
import { publicConfig } from "../profiles/config";
import type { ProfileSummary } from "./flow-format";

export interface CheckedProfile extends ProfileSummary {
  /** How far availability was checked. */
  checked: AvailabilityLevel;
}

export async function checkedProfiles(db: Executor, level: AvailabilityLevel = "installed"): Promise<CheckedProfile[]> {
  const rows = await listProfiles(db);
  return Promise.all(
    rows.map(async (row): Promise<CheckedProfile> => {
      const config = publicConfig((row.config ?? {}) as Record<string, unknown>);
      const availability = await checkProfileAvailability(row, { lookup: lookupBackend, level, dataDir: dataDir() });
      return {
        id: row.id,
        label: row.label,
        backend: row.backend,
        enabled: row.enabled,
        available: availability.available,
        reason: availability.reason,
        checked: availability.checked ?? level,
        model: typeof config.model === "string" ? config.model : null,
        nodeOptions: allowedNodeOptions(row.backend),
      };
    }),
  );
}
