/**
 * Flow tools: list_flows, run_flow, get_run, wait_for_run, rerun_step, review_step, cancel_run.
 * Handlers stay thin: validate (zod, by the SDK), call the run service or a read query,
 * shape the answer.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { dataDir } from "../db/client";
import { PROFILE_ID_PATTERN } from "../kinds/fields";
import { ensureExampleRepo } from "../git/example-repo";
import { getFlowOrThrow } from "../flows/service";
import { listFlows } from "../flows/repository";
import { HttpError } from "../http/errors";
import { cancelRunOrThrow, rerunStepOrThrow, startRunOrThrow } from "../runs/service";
import { computeRunResultOrThrow } from "../results/run-result";
import { reviewStepOrThrow } from "../review/review-actions";
import { REVIEW_DECISIONS, reviewBodySchema, reviewCommentSchema } from "../review/schemas";
import type { RunResult } from "../results/schemas";
import { AGENT_FLOW_DESCRIPTION } from "./agents";
import { runOutputShape } from "./output-schemas";
import { confinedRepoOrThrow } from "./repo";
import type { ToolContext } from "./context";
import { DEFAULT_WAIT_SEC, MAX_WAIT_SEC, waitForRunOrThrow } from "./run-wait";
import { describeRun, loadRunViewOrThrow, loadStepRowOrThrow, type RunView } from "./run-view";
import { guarded, ok } from "./tool-result";

/** run_flow's `repo` naming the example repository: its path is the server's business (`<dataDir>/example-repo`). */
export const EXAMPLE_REPO_ARG = "example";

const id = (what: string) => z.string().trim().min(1, `${what} is required`).max(200);

export const runIdShape = { runId: id("runId").describe("A run id, as returned by run_flow") };

/** Page size of get_step_output: enough for most outputs in one call, bounded for the model's context. */
export const OUTPUT_PAGE = 20_000;
const MAX_OUTPUT_PAGE = 100_000;

const stepOutputShape = {
  ...runIdShape,
  stepId: id("stepId").describe("The step's key or node id as shown by get_run (or its id)"),
  offset: z.coerce.number().int().min(0).default(0).describe("First character to return (0: the start)"),
  limit: z.coerce.number().int().min(1).max(MAX_OUTPUT_PAGE).default(OUTPUT_PAGE).describe(`Characters to return (default ${OUTPUT_PAGE})`),
};

const runFlowShape = {
  flowId: id("flowId").describe("The flow to run (see list_flows)"),
  inputs: z
    .record(z.string(), z.string().max(200_000))
    .default({})
    .describe("Values for the flow's declared inputs, e.g. {\"task\": \"…\"}"),
  version: z.coerce.number().int().min(1).optional().describe("Flow version; default the latest"),
  repo: z
    .string()
    .max(4096)
    .optional()
    .describe(`The git repository code steps work in: an absolute path, a repository name from BATON_REPO_MAP (workers on several machines), or "${EXAMPLE_REPO_ARG}" for Baton's bundled example repository (what the Example flow is made for)`),
  baseRef: z.string().max(256).optional().describe("Commit, branch or tag to start from; default HEAD"),
};

const waitShape = {
  ...runIdShape,
  // Coerced: models write "120" as often as 120.
  timeoutSec: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_WAIT_SEC)
    .default(DEFAULT_WAIT_SEC)
    .describe(`Longest wait in seconds (default ${DEFAULT_WAIT_SEC}); on timedOut, call again to keep waiting`),
};

const rerunShape = {
  ...runIdShape,
  stepId: id("stepId").describe("The step's id, or its key / node id as shown by get_run"),
  prompt: z.string().min(1).max(200_000).optional().describe("Replacement prompt for this attempt"),
  profile: z.string().regex(PROFILE_ID_PATTERN, "must be a profile id").optional().describe("Run this attempt with another agent profile"),
};

const reviewShape = {
  ...runIdShape,
  stepId: id("stepId").describe("The approval step, or the code step to review (id, key or node id)"),
  decision: z.enum(REVIEW_DECISIONS).describe("approve | reject | request-changes"),
  reason: z.string().max(20_000).optional().describe("reject: why (required); request-changes: a note beside the comments"),
  comments: z
    .array(reviewCommentSchema)
    .max(200)
    .optional()
    .describe("request-changes: [{path, line?, body}] on the code step's diff (line = a line of the file as the step left it)"),
  target: z.string().max(200).optional().describe("An approval with several upstream agent steps: the one that gets the changes"),
};

/**
 * A run's result: the same facts in the structured part and the text (some clients read only
 * one of them), including what to do next while it is not done.
 */
function runResult(view: RunView, extra: Record<string, unknown> = {}) {
  const next = view.done
    ? undefined
    : extra.timedOut
      ? `still running (the wait timed out, the run did not): call wait_for_run {"runId": "${view.runId}"} again`
      : `call wait_for_run {"runId": "${view.runId}"} to wait for it to end`;
  const structured = { ...view, ...extra, ...(next ? { next } : {}) };
  const note = typeof extra.note === "string" ? `\n${extra.note}` : "";
  return ok(structured, `${next ? `${next}\n` : ""}${describeRun(view)}${note}`);
}

function describeResult(result: Omit<RunResult, "diff">): string {
  const label = result.partial ? " (partial: the run has not succeeded)" : "";
  if (result.state !== "ready") return `result: ${result.state}${result.reason ? ` — ${result.reason}` : ""}`;
  const stats = result.stats ? ` +${result.stats.additions} −${result.stats.deletions} in ${result.stats.files} files` : "";
  const merge = result.merge ? `; merge into ${result.merge.into ?? "?"}: ${result.merge.state}` : "";
  return `result${label}: ${result.commit}${stats} (ref ${result.ref})${merge}`;
}

/** Accepts a step id, key or node id: models read keys off get_run and pass them back. */
function stepIdIn(view: RunView, wanted: string): string {
  const step = view.steps.find((candidate) => candidate.stepId === wanted) ??
    view.steps.find((candidate) => candidate.key === wanted) ??
    view.steps.find((candidate) => candidate.nodeId === wanted);
  if (!step) {
    throw new HttpError("not_found", `stepId: no step "${wanted}" in run ${view.runId} (steps: ${view.steps.map((s) => s.key).join(", ")})`);
  }
  return step.stepId;
}

export function registerFlowTools(server: McpServer, context: ToolContext): void {
  const { log } = context;

  server.registerTool(
    "list_flows",
    {
      title: "List flows",
      description: `Saved flows you can run with run_flow, with the inputs each one declares. Flows with code steps work in a repository: pass run_flow's repo (an absolute path, or "${EXAMPLE_REPO_ARG}" for the bundled example repository).`,
      inputSchema: {},
      annotations: { readOnlyHint: true },
    },
    async () =>
      guarded(async () => {
        const db = await context.db();
        const summaries = (await listFlows(db.orm)).filter((flow) => flow.description !== AGENT_FLOW_DESCRIPTION);
        const flows = [];
        for (const summary of summaries.slice(0, 200)) {
          const detail = await getFlowOrThrow(db.orm, summary.id);
          flows.push({
            flowId: detail.id,
            name: detail.name,
            description: detail.description,
            latestVersion: detail.latestVersion,
            inputs: detail.document.inputs,
            nodes: detail.document.nodes.map((node) => ({ id: node.id, kind: node.kind })),
          });
        }
        return ok({ flows });
      }, log),
  );

  server.registerTool(
    "run_flow",
    {
      title: "Run a flow",
      description:
        "Starts a run of a flow (an ordinary run: visible in Baton's Runs page). Returns at once with the run id; use wait_for_run to wait for it.",
      inputSchema: runFlowShape,
      outputSchema: runOutputShape,
    },
    async (args) =>
      guarded(async () => {
        const db = await context.db();
        const repo = await confinedRepoOrThrow(args.repo === EXAMPLE_REPO_ARG ? await ensureExampleRepo(dataDir()) : args.repo, args.baseRef);
        const run = await startRunOrThrow(db, { ...args, repo, origin: "mcp" });
        const view = await loadRunViewOrThrow(db.orm, run.id);
        return runResult(view, { ui: `/runs/${run.id}`, ...(context.runNote ? { note: context.runNote } : {}) });
      }, log),
  );

  server.registerTool(
    "get_run",
    {
      title: "Get a run",
      description: "A run's status and every step's state, summary, error and (capped) output.",
      inputSchema: runIdShape,
      outputSchema: runOutputShape,
      annotations: { readOnlyHint: true },
    },
    async ({ runId }) =>
      guarded(async () => {
        const db = (await context.db()).orm;
        const view = await loadRunViewOrThrow(db, runId);
        const { diff: _diff, ...result } = (await computeRunResultOrThrow(db, runId, { maxDiffBytes: 1 })).result;
        const fullDiff = `/api/runs/${encodeURIComponent(runId)}/result`;
        return ok({ ...view, result: { ...result, fullDiff } }, `${describeRun(view)}\n${describeResult(result)}`);
      }, log),
  );

  server.registerTool(
    "get_step_output",
    {
      title: "Read a step's output",
      description: `A step's whole output, a page at a time (get_run and wait_for_run show only its end). Returns text from offset; nextOffset is where the next page starts, null at the end.`,
      inputSchema: stepOutputShape,
      outputSchema: {
        runId: z.string(),
        stepId: z.string(),
        key: z.string(),
        state: z.string(),
        offset: z.number(),
        totalChars: z.number(),
        text: z.string(),
        nextOffset: z.number().nullable(),
        storedTruncated: z.boolean().describe("The engine kept only the end of a very long output; this is all there is"),
      },
      annotations: { readOnlyHint: true },
    },
    async ({ runId, stepId, offset, limit }) =>
      guarded(async () => {
        const db = await context.db();
        const wanted = stepIdIn(await loadRunViewOrThrow(db.orm, runId), stepId);
        const step = await loadStepRowOrThrow(db.orm, runId, wanted);
        const output = step.output ?? "";
        const text = output.slice(offset, offset + limit);
        const end = offset + text.length;
        const nextOffset = end < output.length ? end : null;
        const structured = {
          runId,
          stepId: step.id,
          key: step.key,
          state: step.state,
          offset,
          totalChars: output.length,
          text,
          nextOffset,
          storedTruncated: step.outputTruncated,
        };
        const header = `step ${step.key} of run ${runId} (${step.state}): characters ${offset}–${end} of ${output.length}${nextOffset === null ? " (end)" : `; next page: get_step_output {"runId": "${runId}", "stepId": "${step.key}", "offset": ${nextOffset}}`}`;
        return ok(structured, `${header}\n${text}`);
      }, log),
  );

  server.registerTool(
    "wait_for_run",
    {
      title: "Wait for a run",
      description:
        "Waits until the run ends or timeoutSec passes, then returns its state. timedOut: true means it is still going — call again. Sends progress notifications when given a progressToken.",
      inputSchema: waitShape,
      outputSchema: runOutputShape,
      annotations: { readOnlyHint: true },
    },
    async ({ runId, timeoutSec }, extra) =>
      guarded(async () => {
        const db = await context.db();
        const waited = await waitForRunOrThrow(db, runId, timeoutSec, extra);
        const view = await loadRunViewOrThrow(db.orm, runId);
        return runResult(view, { timedOut: waited.timedOut && !view.done, waitedSec: waited.waitedSec });
      }, log),
  );

  server.registerTool(
    "rerun_step",
    {
      title: "Re-run a step",
      description:
        "Re-runs one step of a run (typically a failed one) from its recorded start, optionally with an edited prompt or another agent profile; downstream steps run again after it.",
      inputSchema: rerunShape,
      outputSchema: runOutputShape,
    },
    async ({ runId, stepId, prompt, profile }) =>
      guarded(async () => {
        const db = await context.db();
        const target = stepIdIn(await loadRunViewOrThrow(db.orm, runId), stepId);
        await rerunStepOrThrow(db, runId, target, { prompt, profile });
        return runResult(await loadRunViewOrThrow(db.orm, runId), { rerunStepId: target });
      }, log),
  );

  server.registerTool(
    "review_step",
    {
      title: "Answer an approval or review a step",
      description:
        "Answers a waiting approval (approve; reject with a reason: the run fails and later steps are skipped) or requests changes: review comments (file, optional line, text) go back to the code step — the approval's upstream agent step, or the agent step named — which runs again from its result commit with the comments in its prompt, continuing its agent session where it can; later steps re-run after it.",
      inputSchema: reviewShape,
      outputSchema: runOutputShape,
    },
    async ({ runId, stepId, ...body }) =>
      guarded(async () => {
        const db = await context.db();
        const target = stepIdIn(await loadRunViewOrThrow(db.orm, runId), stepId);
        await reviewStepOrThrow(db, runId, target, reviewBodySchema.parse(body), dataDir());
        return runResult(await loadRunViewOrThrow(db.orm, runId));
      }, log),
  );

  server.registerTool(
    "cancel_run",
    {
      title: "Cancel a run",
      description: "Cancels a run: running steps are stopped, pending ones never start.",
      inputSchema: runIdShape,
      outputSchema: runOutputShape,
      annotations: { destructiveHint: true },
    },
    async ({ runId }) =>
      guarded(async () => {
        const db = await context.db();
        await cancelRunOrThrow(db, runId);
        return runResult(await loadRunViewOrThrow(db.orm, runId));
      }, log),
  );
}

