/**
 * Maps a raw `steps` row (snake_case, driver values) from hand-written SQL to the drizzle
 * `StepRow` the rest of the code uses.
 *
 * Why generic: the mapping is driven by the schema's own column list, so a column added by a
 * migration maps without touching this file, and each value goes through the column's
 * `mapFromDriverValue` (bigint → number, timestamptz string → Date, jsonb text → object),
 * which smooths over pg (strings for bigint/timestamps) and PGlite (numbers/Dates).
 */
import { getTableColumns } from "drizzle-orm";
import { steps, type StepRow } from "../db/schema";

const columns = Object.entries(getTableColumns(steps));

export function toStepRow(raw: Record<string, unknown>): StepRow {
  const out: Record<string, unknown> = {};
  for (const [key, column] of columns) {
    const value = raw[column.name];
    out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return out as StepRow;
}
