/**
 * The one INSERT into step_attempts. An attempt is archived when it ends: by its worker's
 * completion (lib/dispatch/complete-step.ts, also inside complete-fast's statement), by the
 * rescuer when its lease expired (lib/dispatch/rescue-expired.ts), and by the engine when a
 * waiting step (approval, manual select) is decided (apply-commands.ts).
 *
 * `source` is a CTE returning updated `steps` rows (`returning s.*, …`): by default each
 * archived column is the step row's column of the same name (the step's id is `step_id`), so
 * the archive is a copy of the row as its attempt left it; `values` replaces the columns a
 * caller knows better (the outcome's state, the worker, a rescue's error). Callers add the
 * archived usage to runs.usage (usage-sql.ts) from the RETURNING rows, never by re-summing.
 */
import { sql, type SQL } from "drizzle-orm";

const ARCHIVED_COLUMNS = [
  "step_id",
  "attempt",
  "run_id",
  "state",
  "worker_id",
  "prompt",
  "output",
  "output_truncated",
  "error",
  "detail",
  "branch",
  "start_commit",
  "result_commit",
  "diff",
  "diff_stats",
  "usage",
  "started_at",
  "finished_at",
] as const;
export type ArchivedColumn = (typeof ARCHIVED_COLUMNS)[number];

/** Step rows carry no worker id (the lease owner is cleared as the attempt ends): callers name it. */
const DEFAULTS: Partial<Record<ArchivedColumn, SQL>> = { step_id: sql.raw("id"), worker_id: sql.raw("null::text") };

export interface ArchiveOptions {
  /** Which source rows end an attempt (default: all). */
  where?: SQL;
  /** What a second archive of the same (step_id, attempt) does (default: nothing). */
  onConflict?: SQL;
  returning?: SQL;
}

export function archiveAttemptsSql(source: SQL, values: Partial<Record<ArchivedColumn, SQL>>, options: ArchiveOptions = {}): SQL {
  const selected = ARCHIVED_COLUMNS.map((column) => values[column] ?? DEFAULTS[column] ?? sql.raw(column));
  return sql`
    insert into step_attempts (${sql.raw(ARCHIVED_COLUMNS.join(", "))})
    select ${sql.join(selected, sql`, `)}
    from ${source}
    ${options.where ? sql`where ${options.where}` : sql``}
    on conflict (step_id, attempt) ${options.onConflict ?? sql`do nothing`}
    ${options.returning ? sql`returning ${options.returning}` : sql``}`;
}
