/**
 * Engine.executeStep: what one step attempt does, by node kind and role.
 * - agent / arena contestant: render the prompt with upstream outputs, run the profile;
 * - arena select: see execute-select.ts;
 * - fold concat: join the inputs' outputs under headings; fold agent: run the synthesis prompt;
 * - check: run the argv command in the upstream step's worktree (else the run's repo, else
 *   a scratch dir); exit code 0 passes; stdout/stderr are the output and detail;
 * - approval: waits for a person.
 * Cancellation arrives through `context.signal` (the dispatcher turns cancel requests and
 * timeouts into aborts and decides the final outcome from the reason).
 */
import type { StepContext, StepOutcome } from "./contract";
import { executeSelect } from "./execute-select";
import { concatOutputs, renderPrompt, templateNeeds } from "./render";
import { limitOutput, recordPrompt, runAgent } from "./run-agent";
import { runCommand, tail } from "./run-command";
import { stepSpecSchema, type StepSpec } from "./spec";
import { loadNodeSteps, loadRunInfo, renderContextOf, type RunInfo } from "./step-data";
import { prepareWorkspace, scratchDir } from "./workspace";

export async function executeStep(context: StepContext): Promise<StepOutcome> {
  const parsed = stepSpecSchema.safeParse(context.step.spec);
  if (!parsed.success) {
    return { state: "failed", error: `step spec is invalid: ${parsed.error.issues[0]?.message}`, retryable: false, detail: { retryable: false } };
  }
  const spec = parsed.data;
  const run = await loadRunInfo(context.db, context.step.runId);
  if (spec.role === "select") {
    return executeSelect(context, spec, run, await loadNodeSteps(context.db, context.step.runId, [spec.nodeId]).then((all) => all.filter((s) => s.role === "contestant")));
  }
  switch (spec.kind) {
    case "agent":
    case "arena":
      return executeAgent(context, spec, run, spec.prompt ?? "");
    case "fold":
      if (spec.fold?.mode === "agent") return executeAgent(context, spec, run, spec.prompt ?? "");
      return executeConcat(context, spec);
    case "check":
      return executeCheck(context, spec, run);
    case "approval":
      return { state: "waiting", detail: { message: spec.message ?? "Approve to continue." } };
  }
}

async function executeAgent(context: StepContext, spec: StepSpec, run: RunInfo, template: string): Promise<StepOutcome> {
  const needs = templateNeeds(template);
  const upstream = await loadNodeSteps(context.db, context.step.runId, [...needs.steps, ...needs.contestants]);
  const prompt = renderPrompt(template, renderContextOf(run, upstream));
  await recordPrompt(context, prompt);
  const cwd = await prepareWorkspace({
    dataDir: context.dataDir,
    runId: context.step.runId,
    key: context.step.key,
    attempt: context.step.attempt,
    mode: spec.workspace,
  });
  return runAgent(context, { profile: spec.profile!, ...(spec.model ? { model: spec.model } : {}), prompt, options: spec.options ?? {}, cwd });
}

async function executeConcat(context: StepContext, spec: StepSpec): Promise<StepOutcome> {
  const loaded = await loadNodeSteps(context.db, context.step.runId, spec.upstream);
  const byNode = new Map(loaded.filter((s) => s.role !== "contestant").map((s) => [s.nodeId, s]));
  const inputs = spec.upstream.map((id) => byNode.get(id)).filter((s) => s !== undefined);
  const output = limitOutput(concatOutputs(inputs, spec.fold?.separator));
  return { state: "succeeded", ...output, summary: `${inputs.length} inputs joined`, detail: { mode: "concat", inputs: spec.upstream } };
}

async function executeCheck(context: StepContext, spec: StepSpec, run: RunInfo): Promise<StepOutcome> {
  const argv = spec.command ?? [];
  const upstream = await loadNodeSteps(context.db, context.step.runId, spec.upstream);
  const worktree = upstream.find((s) => s.role !== "contestant" && s.worktree)?.worktree;
  const cwd = worktree ?? run.repo ?? (await scratchDir(context.dataDir, context.step.runId, `${context.step.key}-${context.step.attempt}`));
  context.emit({ type: "log-line", data: { stream: "info", text: `$ ${argv.join(" ")}  (in ${cwd})` } });
  const result = await runCommand(argv, { cwd, signal: context.signal, emit: context.emit });
  if (result.aborted) return { state: "canceled", output: result.stdout };
  const output = result.stderr ? `${result.stdout}${result.stdout && !result.stdout.endsWith("\n") ? "\n" : ""}${result.stderr}` : result.stdout;
  const detail = { command: argv, cwd, exitCode: result.exitCode, signal: result.signal, stdout: tail(result.stdout), stderr: tail(result.stderr) };
  if (result.spawnError) {
    return { state: "failed", error: result.spawnError, output, retryable: false, detail: { ...detail, retryable: false } };
  }
  if (result.exitCode === 0) return { state: "succeeded", output, summary: `exit 0: ${argv.join(" ")}`, detail, ...(worktree ? { worktree } : {}) };
  const why = result.exitCode === null ? `was killed by ${result.signal}` : `exited with code ${result.exitCode}`;
  const stderr = result.stderr.trim() ? `: ${tail(result.stderr.trim(), 1000)}` : "";
  return { state: "failed", error: `${argv.join(" ")} ${why}${stderr}`, output, retryable: true, detail: { ...detail, retryable: true } };
}
