/**
 * What the MCP tools say about a run: status, each step's state, summary, error and capped
 * output, and where the full record is. Read-only queries over runs/steps plus a pure
 * mapping; starting, cancelling and re-running go through the run service.
 */
import { and, asc, eq } from "drizzle-orm";
import type { Executor } from "../db/client";
import { runs, steps, type RunRow, type StepRow } from "../db/schema";
import type { FlowDocument } from "../flow/document";
import { topologicalOrder } from "../flow/graph";
import { findVersion } from "../flows/repository";
import { notFound } from "../http/errors";
import { capText, isTerminalRunStatus, runPointer, stepOutputPointer } from "./format";

/** Per-step output cap in get_run/wait_for_run; a run can have many steps. */
export const STEP_OUTPUT_CAP = 1500;

export interface StepView {
  stepId: string;
  nodeId: string;
  key: string;
  kind: string;
  state: string;
  attempt: number;
  summary: string | null;
  error: string | null;
  output: string | null;
  /** Length of the whole output (get_step_output pages through it). */
  outputChars: number;
  outputTruncated: boolean;
  branch: string | null;
  resultCommit: string | null;
  diffStats: unknown;
}

export interface RunView {
  runId: string;
  flowId: string;
  flowVersion: number;
  status: string;
  done: boolean;
  origin: string;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  /** The full run (outputs, diffs, events) over HTTP; get_step_output reads a step's whole output over any transport. */
  fullOutput: string;
  steps: StepView[];
}

export function toRunView(run: RunRow, stepRows: StepRow[], outputCap = STEP_OUTPUT_CAP): RunView {
  const pointer = runPointer(run.id);
  return {
    runId: run.id,
    flowId: run.flowId,
    flowVersion: run.flowVersion,
    status: run.status,
    done: isTerminalRunStatus(run.status),
    origin: run.origin,
    error: run.error,
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    fullOutput: pointer,
    steps: stepRows.map((step) => {
      const capped = step.output === null ? null : capText(step.output, stepOutputPointer(run.id, step.key), outputCap);
      return {
        stepId: step.id,
        nodeId: step.nodeId,
        key: step.key,
        kind: step.kind,
        state: step.state,
        attempt: step.attempt,
        summary: step.summary,
        error: step.error,
        output: capped?.text ?? null,
        outputChars: step.output?.length ?? 0,
        outputTruncated: step.outputTruncated || (capped?.truncated ?? false),
        branch: step.branch,
        resultCommit: step.resultCommit,
        diffStats: step.diffStats ?? null,
      };
    }),
  };
}

export async function loadRunRowOrThrow(db: Executor, runId: string): Promise<RunRow> {
  const [run] = await db.select().from(runs).where(eq(runs.id, runId));
  if (!run) throw notFound(`run "${runId}"`);
  return run;
}

/**
 * Steps in the flow's order (topological, ties in document order), as a person reads the
 * flow; steps of the same node (an arena's contestants) keep their creation order. Steps
 * are created together when a run starts, so creation time alone says nothing useful.
 */
export function inFlowOrder(stepRows: StepRow[], document: Pick<FlowDocument, "nodes" | "edges"> | undefined): StepRow[] {
  if (!document) return stepRows;
  const rank = new Map(topologicalOrder(document.nodes.map((node) => node.id), document.edges).map((id, i) => [id, i]));
  const rankOf = (step: StepRow) => rank.get(step.nodeId) ?? Number.MAX_SAFE_INTEGER;
  return stepRows
    .map((step, i) => ({ step, i }))
    .sort((a, b) => rankOf(a.step) - rankOf(b.step) || a.i - b.i)
    .map(({ step }) => step);
}

export async function loadStepRowOrThrow(db: Executor, runId: string, stepId: string): Promise<StepRow> {
  const [step] = await db.select().from(steps).where(and(eq(steps.runId, runId), eq(steps.id, stepId)));
  if (!step) throw notFound(`step "${stepId}" in run "${runId}"`);
  return step;
}

export async function loadRunViewOrThrow(db: Executor, runId: string, outputCap?: number): Promise<RunView> {
  const run = await loadRunRowOrThrow(db, runId);
  const stepRows = await db.select().from(steps).where(eq(steps.runId, runId)).orderBy(asc(steps.createdAt), asc(steps.key));
  const version = await findVersion(db, run.flowId, run.flowVersion);
  return toRunView(run, inFlowOrder(stepRows, version?.document), outputCap);
}

/**
 * The text part of a run's tool result: one line per step, then its capped output indented
 * below it — the same content as the structured part, for clients that only read text.
 */
export function describeRun(view: RunView): string {
  const lines = [`run ${view.runId} (flow ${view.flowId} v${view.flowVersion}): ${view.status}${view.error ? ` — ${view.error}` : ""}`];
  for (const step of view.steps) {
    const detail = step.error ?? step.summary ?? "";
    lines.push(`- ${step.key} [${step.kind}] ${step.state}${step.attempt > 1 ? ` (attempt ${step.attempt})` : ""}${detail ? `: ${detail}` : ""}`);
    if (step.output) lines.push(...step.output.split("\n").map((line) => `    ${line}`));
  }
  lines.push(`full run in the Baton UI: /runs/${view.runId}`);
  return lines.join("\n");
}
