/**
 * Reads what a running step needs from its run: inputs, repo, and the upstream steps its
 * templates or semantics reference (outputs and diffs in full).
 */
import { sql } from "drizzle-orm";
import { rows, type Executor } from "../db/client";
import type { StepState } from "../db/schema";
import { renderPrompt, templateNeeds, type RenderContext, type UpstreamStep } from "./render";

export interface RunInfo {
  inputs: Record<string, string>;
  repo: string | null;
}

export interface LoadedStep extends UpstreamStep {
  role: string;
  worktree: string | null;
  resultCommit: string | null;
  startCommit: string | null;
  branch: string | null;
  diffStats: unknown;
  finishedAt: Date | null;
  prompt: string | null;
}

export async function loadRunInfo(db: Executor, runId: string): Promise<RunInfo> {
  const [row] = await rows<{ inputs: unknown; repo: string | null }>(db, sql`select inputs, repo from runs where id = ${runId}`);
  const inputs = typeof row?.inputs === "string" ? JSON.parse(row.inputs) : row?.inputs;
  return { inputs: (inputs as Record<string, string>) ?? {}, repo: row?.repo ?? null };
}

/** Every step (select/node and contestants) of the given nodes, contestants in index order. */
export async function loadNodeSteps(db: Executor, runId: string, nodeIds: Iterable<string>): Promise<LoadedStep[]> {
  const ids = [...new Set(nodeIds)];
  if (ids.length === 0) return [];
  const raw = await rows<{
    key: string;
    node_id: string;
    role: string;
    state: StepState;
    output: string | null;
    diff: string | null;
    diff_stats: unknown;
    worktree: string | null;
    result_commit: string | null;
    start_commit: string | null;
    branch: string | null;
    winner: string | null;
    profile: string | null;
    model: string | null;
    prompt: string | null;
    finished_at: Date | string | null;
    contestant_index: number | null;
  }>(
    db,
    sql`
      select key, node_id, role, state, output, diff, diff_stats, worktree, result_commit, start_commit, branch, winner,
             spec->>'profile' as profile, spec->>'model' as model, prompt, finished_at,
             (spec->>'contestantIndex')::int as contestant_index
      from steps
      where run_id = ${runId} and node_id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))
      order by node_id, contestant_index nulls last
    `,
  );
  return raw.map((r) => ({
    key: r.key,
    nodeId: r.node_id,
    role: r.role,
    state: r.state,
    output: r.output,
    diff: r.diff,
    diffStats: r.diff_stats,
    worktree: r.worktree,
    resultCommit: r.result_commit,
    startCommit: r.start_commit,
    branch: r.branch,
    winner: r.winner,
    prompt: r.prompt,
    finishedAt: r.finished_at === null ? null : new Date(r.finished_at),
    ...(r.profile ? { profile: r.profile } : {}),
    ...(r.model ? { model: r.model } : {}),
  }));
}

export function renderContextOf(run: RunInfo, loaded: readonly LoadedStep[]): RenderContext {
  const steps = new Map<string, UpstreamStep>();
  const contestants = new Map<string, UpstreamStep[]>();
  for (const step of loaded) {
    if (step.role === "contestant") {
      const list = contestants.get(step.nodeId) ?? [];
      list.push(step);
      contestants.set(step.nodeId, list);
    } else steps.set(step.nodeId, step);
  }
  return { inputs: run.inputs, steps, contestants };
}

const NO_RUN_INPUTS: RunInfo = { inputs: {}, repo: null };

/**
 * A prompt template rendered with what it references: the run's inputs (read only when it
 * names one) and the upstream steps it names.
 */
export async function renderStepPrompt(db: Executor, runId: string, template: string): Promise<string> {
  const needs = templateNeeds(template);
  const [run, upstream] = await Promise.all([
    needs.inputs ? loadRunInfo(db, runId) : NO_RUN_INPUTS,
    loadNodeSteps(db, runId, [...needs.steps, ...needs.contestants]),
  ]);
  return renderPrompt(template, renderContextOf(run, upstream));
}
