/**
 * Test set-up: wire-contract values with every field at its "nothing happened yet" value, so
 * a test names only what it is about. Each result is checked against the contract's schema,
 * so a fixture can never drift from what the server sends.
 */
import { attemptSchema, runDetailSchema, stepSchema, type Attempt, type RunDetail, type Step } from "./run";

const T0 = "2026-01-01T00:00:00.000Z";

export function stepFixture(overrides: Partial<Step> & Pick<Step, "id">): Step {
  return stepSchema.parse({
    runId: "r1",
    nodeId: overrides.id,
    key: overrides.nodeId ?? overrides.id,
    kind: "agent",
    role: "node",
    state: "pending",
    dependsOn: [],
    spec: {},
    attempt: 0,
    maxAttempts: 1,
    timeoutMs: null,
    requiredTags: [],
    leaseLosses: 0,
    cancelRequested: false,
    prompt: null,
    output: null,
    outputTruncated: false,
    summary: null,
    error: null,
    detail: {},
    worktree: null,
    branch: null,
    startCommit: null,
    resultCommit: null,
    diff: null,
    diffStats: null,
    usage: {},
    winner: null,
    readyAt: null,
    startedAt: null,
    finishedAt: null,
    createdAt: T0,
    updatedAt: T0,
    attempts: [],
    ...overrides,
  });
}

export function attemptFixture(overrides: Partial<Attempt> & Pick<Attempt, "stepId" | "attempt" | "state">): Attempt {
  return attemptSchema.parse({
    workerId: null,
    prompt: null,
    output: null,
    outputTruncated: false,
    error: null,
    detail: {},
    branch: null,
    startCommit: null,
    resultCommit: null,
    diff: null,
    diffStats: null,
    usage: {},
    startedAt: null,
    finishedAt: null,
    ...overrides,
  });
}

export function runFixture(steps: Step[], overrides: Partial<RunDetail> = {}): RunDetail {
  return runDetailSchema.parse({
    id: "r1",
    flowId: "f1",
    flowName: "Flow",
    flowVersion: 1,
    status: "running",
    inputs: {},
    repo: null,
    baseRef: null,
    baseCommit: null,
    keepWorktrees: false,
    worktreePolicy: null,
    refsDeletedAt: null,
    parentRunId: null,
    origin: "api",
    error: null,
    usage: {},
    createdAt: T0,
    startedAt: T0,
    finishedAt: null,
    updatedAt: T0,
    counts: { total: steps.length, succeeded: 0, failed: 0, running: 0 },
    steps,
    eventCursor: 0,
    ...overrides,
  });
}
