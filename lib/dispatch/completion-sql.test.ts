import { describe, expect, it } from "vitest";
import type { StepOutcome } from "../engine/contract";
import { outcomeColumns } from "./completion-sql";

describe("outcomeColumns", () => {
  it("writes what a succeeded outcome carries and defaults the rest", () => {
    const columns = outcomeColumns({ state: "succeeded", output: "done", resultCommit: "c2", startCommit: "c1", winner: "a" });
    expect(columns).toMatchObject({ state: "succeeded", output: "done", outputTruncated: false, summary: null, error: null, resultCommit: "c2", startCommit: "c1", winner: "a", usage: {}, detail: {}, retryable: false });
  });

  it("never records a result commit or diff for a failed attempt, even when the object holds one", () => {
    const loose = { state: "failed", error: "boom", retryable: true, resultCommit: "c9", diff: "x", startCommit: "c1" } as StepOutcome;
    expect(outcomeColumns(loose)).toMatchObject({ state: "failed", error: "boom", retryable: true, resultCommit: null, diff: null, startCommit: "c1", output: null });
  });

  it("a canceled attempt's error is 'canceled' and its partial work is kept", () => {
    expect(outcomeColumns({ state: "canceled", resultCommit: "c3", diff: "d" })).toMatchObject({ error: "canceled", resultCommit: "c3", diff: "d", retryable: false });
  });

  it("a waiting step keeps only its detail", () => {
    expect(outcomeColumns({ state: "waiting", detail: { approval: true } })).toMatchObject({ state: "waiting", detail: { approval: true }, output: null, error: null });
  });
});
