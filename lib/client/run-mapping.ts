/**
 * Maps Run API JSON to the client view types (run-types.ts). Pure and defensive: a missing
 * field becomes null/empty instead of crashing a page, and dates become ISO strings whether
 * the server sent strings or epoch numbers. Accepts the detail either flat
 * (`{id, status, steps, attempts}`) or wrapped (`{run: {...}, steps, attempts, flow}`).
 */
import { STEP_STATES, RUN_STATUSES, type RunStatus, type StepState } from "../db/schema";
import type { AttemptDto, DiffStatsDto, RunDetail, RunSummary, StepDto, UsageDto } from "./run-types";

type Json = Record<string, unknown>;

const obj = (value: unknown): Json => (value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {});
const str = (value: unknown): string | null => (typeof value === "string" ? value : null);
const num = (value: unknown, fallback = 0): number => {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : fallback;
};
const bool = (value: unknown): boolean => value === true;
const iso = (value: unknown): string | null => {
  if (typeof value === "string" && value) return new Date(value).toISOString();
  if (typeof value === "number") return new Date(value).toISOString();
  return null;
};
const stepState = (value: unknown): StepState => ((STEP_STATES as readonly unknown[]).includes(value) ? (value as StepState) : "pending");
const runStatus = (value: unknown): RunStatus => ((RUN_STATUSES as readonly unknown[]).includes(value) ? (value as RunStatus) : "pending");

function usage(value: unknown): UsageDto {
  const u = obj(value);
  const out: UsageDto = {};
  for (const key of ["inputTokens", "outputTokens", "totalTokens", "costUsd"] as const) {
    if (u[key] !== undefined && u[key] !== null) out[key] = num(u[key]);
  }
  return out;
}

function diffStats(value: unknown): DiffStatsDto | null {
  const d = obj(value);
  if (d.additions === undefined && d.deletions === undefined) return null;
  return { files: num(d.files), additions: num(d.additions), deletions: num(d.deletions) };
}

function role(value: unknown): StepDto["role"] {
  return value === "contestant" || value === "select" ? value : "node";
}

export function toStep(raw: unknown): StepDto {
  const s = obj(raw);
  return {
    id: str(s.id) ?? "",
    key: str(s.key) ?? str(s.nodeId) ?? "",
    nodeId: str(s.nodeId) ?? "",
    kind: str(s.kind) ?? "agent",
    role: role(s.role),
    state: stepState(s.state),
    attempt: num(s.attempt),
    maxAttempts: num(s.maxAttempts, 1),
    dependsOn: Array.isArray(s.dependsOn) ? s.dependsOn.filter((d): d is string => typeof d === "string") : [],
    spec: obj(s.spec),
    prompt: str(s.prompt),
    output: str(s.output),
    outputTruncated: bool(s.outputTruncated),
    summary: str(s.summary),
    error: str(s.error),
    detail: obj(s.detail),
    branch: str(s.branch),
    startCommit: str(s.startCommit),
    resultCommit: str(s.resultCommit),
    diff: str(s.diff),
    diffStats: diffStats(s.diffStats),
    usage: usage(s.usage),
    winner: str(s.winner),
    cancelRequested: bool(s.cancelRequested),
    startedAt: iso(s.startedAt),
    finishedAt: iso(s.finishedAt),
  };
}

export function toAttempt(raw: unknown): AttemptDto {
  const a = obj(raw);
  return {
    stepId: str(a.stepId) ?? "",
    attempt: num(a.attempt),
    state: stepState(a.state),
    prompt: str(a.prompt),
    output: str(a.output),
    outputTruncated: bool(a.outputTruncated),
    error: str(a.error),
    detail: obj(a.detail),
    branch: str(a.branch),
    startCommit: str(a.startCommit),
    resultCommit: str(a.resultCommit),
    diff: str(a.diff),
    diffStats: diffStats(a.diffStats),
    usage: usage(a.usage),
    startedAt: iso(a.startedAt),
    finishedAt: iso(a.finishedAt),
  };
}

export function toRunDetail(raw: unknown): RunDetail {
  const top = obj(raw);
  const run = top.run ? obj(top.run) : top;
  const flow = obj(top.flow ?? run.flow);
  const version = obj(top.flowVersion ?? run.version);
  const rawSteps: unknown[] = Array.isArray(top.steps) ? top.steps : Array.isArray(run.steps) ? run.steps : [];
  const steps = rawSteps.map(toStep);
  // Attempts come either as one list or nested under each step (the Run API's shape).
  const flat: unknown[] = Array.isArray(top.attempts) ? top.attempts : Array.isArray(run.attempts) ? run.attempts : [];
  const nested = rawSteps.flatMap((raw) => {
    const step = obj(raw);
    return Array.isArray(step.attempts) ? step.attempts.map((a) => ({ ...obj(a), stepId: obj(a).stepId ?? step.id })) : [];
  });
  const attempts = [...flat, ...nested].map(toAttempt);
  return {
    id: str(run.id) ?? "",
    flowId: str(run.flowId) ?? str(flow.id) ?? "",
    flowName: str(run.flowName) ?? str(flow.name) ?? "",
    flowVersion: num(run.flowVersion ?? version.version),
    status: runStatus(run.status),
    inputs: obj(run.inputs),
    repo: str(run.repo),
    baseRef: str(run.baseRef),
    error: str(run.error),
    usage: usage(run.usage),
    createdAt: iso(run.createdAt) ?? new Date(0).toISOString(),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    steps,
    attempts,
    document: top.document ?? run.document ?? version.document ?? null,
    snapshotCursor: num(top.eventCursor ?? run.eventCursor),
    eventCursor: num(top.eventCursor ?? run.eventCursor),
  };
}

export function toRunSummary(raw: unknown): RunSummary {
  const r = obj(raw);
  const counts = obj(r.counts ?? r.stepCounts ?? r.steps);
  return {
    id: str(r.id) ?? "",
    flowId: str(r.flowId) ?? "",
    flowName: str(r.flowName) ?? str(obj(r.flow).name) ?? "",
    flowVersion: num(r.flowVersion),
    status: runStatus(r.status),
    createdAt: iso(r.createdAt) ?? new Date(0).toISOString(),
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    stepsTotal: num(r.stepsTotal ?? counts.total),
    stepsSucceeded: num(r.stepsSucceeded ?? counts.succeeded),
    stepsFailed: num(r.stepsFailed ?? counts.failed),
    usage: usage(r.usage),
    inputs: obj(r.inputs),
    parentRunId: str(r.parentRunId),
    stepReruns: num(r.stepReruns),
  };
}
