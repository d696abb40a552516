/**
 * Worker settings from the environment (zod-validated; a bad value names the variable).
 *
 * BATON_WORKER_TAGS           comma-separated tags, e.g. "profile:claude,repo:/src/app"
 * BATON_WORKER_CONCURRENCY    slots per worker (1–256, default 4)
 * BATON_WORKER_POLL_MS        poll fallback interval (default 1000)
 * BATON_WORKER_LISTEN         "0" = polling only (default on)
 * BATON_WORKER_LEASE_MS       lease length (default 30000)
 * BATON_WORKER_HEARTBEAT_MS   heartbeat / cancel-check interval (default 1000)
 * BATON_WORKER_GRACE_MS       graceful-shutdown grace period (default 10000)
 * BATON_RESCUER_INTERVAL_MS   rescuer sweep interval (default 5000)
 * BATON_WORKER_SWEEP_MS       how often to remove worktrees of runs other workers ended (default 60000)
 * BATON_REPO_MAP, BATON_LINEAGE_REMOTE, BATON_GIT_REMOTE_TIMEOUT_MS, BATON_GIT_REMOTE_ATTEMPTS:
 *                             this worker's clones and where lineage is shared
 *                             (lib/git/repo-map.ts); each named repository adds the tag
 *                             "repo:<name>", which the steps of runs naming it require.
 */
import { z } from "zod";
import { gitSharingFromEnvOrThrow, repoTags, type GitSharing } from "../git/repo-map";

const ms = (fallback: number, min = 1) => z.coerce.number().int().min(min).max(86_400_000).default(fallback);

const schema = z.object({
  BATON_WORKER_TAGS: z
    .string()
    .default("")
    .transform((value) =>
      value
        .split(",")
        .map((tag) => tag.trim())
        .filter((tag) => tag.length > 0),
    ),
  BATON_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(4),
  BATON_WORKER_POLL_MS: ms(1_000, 10),
  BATON_WORKER_LISTEN: z.enum(["0", "1"]).default("1"),
  BATON_WORKER_LEASE_MS: ms(30_000, 100),
  BATON_WORKER_HEARTBEAT_MS: ms(1_000, 10),
  BATON_WORKER_GRACE_MS: ms(10_000, 0),
  BATON_RESCUER_INTERVAL_MS: ms(5_000, 10),
  BATON_WORKER_SWEEP_MS: ms(60_000, 100),
});

export interface WorkerConfig {
  tags: string[];
  concurrency: number;
  pollIntervalMs: number;
  listen: boolean;
  leaseMs: number;
  heartbeatIntervalMs: number;
  graceMs: number;
  rescuerIntervalMs: number;
  /** Absent: the Worker default (60000). */
  sweepIntervalMs?: number;
  /** Absent: no repository map, no lineage remote. */
  git?: GitSharing;
}

export function workerConfigFromEnvOrThrow(env: Record<string, string | undefined> = process.env): WorkerConfig {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== "")));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid ${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  if (e.BATON_WORKER_HEARTBEAT_MS >= e.BATON_WORKER_LEASE_MS) {
    throw new Error("invalid BATON_WORKER_HEARTBEAT_MS: must be shorter than BATON_WORKER_LEASE_MS");
  }
  const git = gitSharingFromEnvOrThrow(env);
  return {
    tags: [...new Set([...e.BATON_WORKER_TAGS, ...repoTags(git)])],
    concurrency: e.BATON_WORKER_CONCURRENCY,
    pollIntervalMs: e.BATON_WORKER_POLL_MS,
    listen: e.BATON_WORKER_LISTEN === "1",
    leaseMs: e.BATON_WORKER_LEASE_MS,
    heartbeatIntervalMs: e.BATON_WORKER_HEARTBEAT_MS,
    graceMs: e.BATON_WORKER_GRACE_MS,
    rescuerIntervalMs: e.BATON_RESCUER_INTERVAL_MS,
    sweepIntervalMs: e.BATON_WORKER_SWEEP_MS,
    git,
  };
}
