/**
 * SQL for a run's usage total, kept incrementally: each archived attempt's usage is added to
 * runs.usage in the statement that archives it (under the run's lock), instead of re-summing
 * every attempt of the run on every change (O(steps) per completion).
 *
 * A usage object has the numeric keys below, each optional; a key no attempt reported stays
 * absent from the total (not 0), so "no cost reported" and "cost 0" remain different.
 */
import { sql, type SQL } from "drizzle-orm";

const USAGE_KEYS = ["inputTokens", "outputTokens", "totalTokens", "costUsd"] as const;
// Constant identifiers, inlined as literals so the statements keep a short parameter list.
const literal = (key: (typeof USAGE_KEYS)[number]) => sql.raw(`'${key}'`);

/** Aggregate: the usage objects in `column` summed key by key (null when there are no rows). */
export function sumUsage(column: SQL): SQL {
  const pairs = USAGE_KEYS.map((key) => sql`${literal(key)}, sum((${column}->>${literal(key)})::numeric)`);
  return sql`jsonb_strip_nulls(jsonb_build_object(${sql.join(pairs, sql`, `)}))`;
}

/** `base` + `added` key by key; `added` may be null (nothing to add). */
export function addUsage(base: SQL, added: SQL): SQL {
  const pairs = USAGE_KEYS.map(
    (key) => sql`${literal(key)}, case when ${base}->${literal(key)} is null and ${added}->${literal(key)} is null then null
      else coalesce((${base}->>${literal(key)})::numeric, 0) + coalesce((${added}->>${literal(key)})::numeric, 0) end`,
  );
  return sql`jsonb_strip_nulls(jsonb_build_object(${sql.join(pairs, sql`, `)}))`;
}
