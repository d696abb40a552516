/**
 * Maps a raw `steps` (or `agent_profiles`) row (snake_case, driver values) from hand-written
 * SQL to the drizzle row type the rest of the code uses.
 *
 * Why generic: the mapping is driven by the schema's own column list, so a column added by a
 * migration maps without touching this file, and each value goes through the column's
 * `mapFromDriverValue` (bigint → number, timestamptz string → Date, jsonb text → object),
 * which smooths over pg (strings for bigint/timestamps) and PGlite (numbers/Dates).
 */
import { getTableColumns } from "drizzle-orm";
import { agentProfiles, steps, type AgentProfileRow, type StepRow } from "../db/schema";

type Columns = Array<[string, { name: string; mapFromDriverValue(value: unknown): unknown }]>;

function mapper<T>(columns: Columns): (raw: Record<string, unknown>) => T {
  return (raw) => {
    const out: Record<string, unknown> = {};
    for (const [key, column] of columns) {
      const value = raw[column.name];
      out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
    }
    return out as T;
  };
}

export const toStepRow = mapper<StepRow>(Object.entries(getTableColumns(steps)));
/** Also for `to_jsonb(agent_profiles row)`: timestamps arrive as ISO strings, config as an object. */
export const toProfileRow = mapper<AgentProfileRow>(Object.entries(getTableColumns(agentProfiles)));
