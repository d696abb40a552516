/**
 * Live diffs of a running code step: re-diffs its worktree against the start commit after
 * every file-changing tool call that completes (kinds edit, delete, move, execute) and on a
 * slow timer (agents also write files without telling), and emits a `diff-update` event only
 * when the worktree's content changed since the last one.
 *
 * Invariants: at most one snapshot runs at a time (a poke during one schedules exactly one
 * more); "changed" is decided by the snapshot's tree id, so an unchanged worktree costs one
 * `git add` into the watcher's own temporary index and no diff; git failures mid-step are
 * logged once and never fail the step (the final commit decides).
 *
 * Cost proportional to what changed (WorktreeSnapshotter): a completed edit or delete whose
 * tool call names its files re-stages only those files; anything else (a shell command, a
 * move, an edit naming no file, the timer) walks the whole tree; the index the walk refreshes
 * is kept, so a walk re-reads only files whose stat data changed.
 */
import type { AgentEvent, ToolKind } from "../agents/types";
import path from "node:path";
import { diffTrees, WorktreeSnapshotter } from "../git/diff-worktree";
import { runGitOrThrow } from "../git/run-git";
import type { StepEventInput } from "./contract";

/** Live diffs are capped far below the stored one: they travel in events to every viewer. */
export const LIVE_DIFF_MAX_BYTES = 256 * 1024;
const FILE_CHANGING: ReadonlySet<ToolKind> = new Set(["edit", "delete", "move", "execute"]);
const MAX_LISTED_PATHS = 200;
/** Tool kinds whose named locations are all the files they changed. */
const NAMES_ITS_FILES: ReadonlySet<ToolKind> = new Set(["edit", "delete"]);

/** Timer period: BATON_DIFF_INTERVAL_MS (tests shorten it), default 2 s. */
export function diffIntervalMs(env: Record<string, string | undefined> = process.env): number {
  const value = Number(env.BATON_DIFF_INTERVAL_MS);
  return Number.isInteger(value) && value >= 50 ? value : 2_000;
}

export interface DiffWatcherOptions {
  worktree: string;
  startCommit: string;
  emit(event: StepEventInput): void;
  intervalMs?: number;
}

export class DiffWatcher {
  private readonly kinds = new Map<string, ToolKind>();
  private readonly locations = new Map<string, string[]>();
  private readonly snapshotter: WorktreeSnapshotter;
  /** Worktree-relative paths to re-stage at the next snapshot (when no full walk is due). */
  private readonly pendingPaths = new Set<string>();
  // The copied index matches the start commit as checked out: no walk is due until a change.
  private fullWalkDue = false;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private lastTree: string | null = null;
  private reportedError = false;
  private stopped = false;

  constructor(private readonly options: DiffWatcherOptions) {
    this.snapshotter = new WorktreeSnapshotter(options.worktree);
  }

  start(): void {
    this.timer = setInterval(() => {
      this.fullWalkDue = true;
      this.poke();
    }, this.options.intervalMs ?? diffIntervalMs());
    this.timer.unref();
  }

  /** Feed every agent event: completed file-changing tool calls trigger a re-diff. */
  observe(event: AgentEvent): void {
    if (event.type === "tool-call") {
      this.kinds.set(event.toolCallId, event.kind);
      if (event.locations?.length) this.locations.set(event.toolCallId, event.locations);
      if (event.status === "completed" && FILE_CHANGING.has(event.kind)) this.changed(event.kind, event.toolCallId);
    } else if (event.type === "tool-call-update") {
      if (event.locations?.length) this.locations.set(event.toolCallId, event.locations);
      if (event.status !== "completed") return;
      const kind = event.kind ?? this.kinds.get(event.toolCallId);
      if (kind === undefined || FILE_CHANGING.has(kind)) this.changed(kind, event.toolCallId);
    }
  }

  /** A tool call changed files: just its files when it names them all, else everything. */
  private changed(kind: ToolKind | undefined, toolCallId: string): void {
    const paths = kind && NAMES_ITS_FILES.has(kind) ? this.inWorktree(this.locations.get(toolCallId) ?? []) : null;
    if (paths === null || paths.length === 0) this.fullWalkDue = true;
    else for (const p of paths) this.pendingPaths.add(p);
    this.poke();
  }

  /** Worktree-relative paths; null if any lies outside the worktree (then walk everything). */
  private inWorktree(locations: readonly string[]): string[] | null {
    const out: string[] = [];
    for (const location of locations) {
      const relative = path.relative(this.options.worktree, path.resolve(this.options.worktree, location));
      if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) return null;
      out.push(relative);
    }
    return out;
  }

  poke(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => (this.running = null));
  }

  /**
   * Stops the timer and further pokes, and waits for a snapshot in progress (which may still
   * emit: it reflects a change the agent made, and the step's final event comes after it).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    await this.snapshotter.dispose().catch(() => {});
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.snapshot();
      } catch (error) {
        if (!this.reportedError && !this.stopped) {
          this.reportedError = true;
          const reason = error instanceof Error ? error.message : String(error);
          this.options.emit({ type: "log-line", data: { stream: "info", text: `live diff unavailable: ${reason}` } });
        }
      }
    } while (this.again);
  }

  private async snapshot(): Promise<void> {
    const { worktree, startCommit } = this.options;
    this.lastTree ??= (await runGitOrThrow(["rev-parse", `${startCommit}^{tree}`], { cwd: worktree })).stdout.trim();
    const full = this.fullWalkDue;
    const paths = full ? null : [...this.pendingPaths];
    this.fullWalkDue = false;
    this.pendingPaths.clear();
    if (paths !== null && paths.length === 0) return;
    const tree = await this.snapshotter.snapshot(paths);
    if (tree === this.lastTree) return;
    const diff = await diffTrees(worktree, startCommit, tree, { maxDiffBytes: LIVE_DIFF_MAX_BYTES });
    this.lastTree = tree;
    this.options.emit({ type: "diff-update", data: diffUpdateData(diff) });
  }
}

export function diffUpdateData(diff: {
  diff: string;
  diffTruncated: boolean;
  stats: { files: number; additions: number; deletions: number };
  files: Array<{ path: string; status: string; additions: number; deletions: number }>;
}): Record<string, unknown> {
  return {
    files: diff.stats.files,
    additions: diff.stats.additions,
    deletions: diff.stats.deletions,
    stats: diff.stats,
    diff: diff.diff,
    diffTruncated: diff.diffTruncated,
    paths: diff.files.slice(0, MAX_LISTED_PATHS).map((f) => ({ path: f.path, status: f.status, additions: f.additions, deletions: f.deletions })),
  };
}
