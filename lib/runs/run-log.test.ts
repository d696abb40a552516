// The server's run log against the real engine and dispatcher, on PGlite and on Postgres:
// a run started and drained prints its start and its end, nothing from before the log started.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_FLOW } from "../flow/example";
import { openHarness, waitFor, type Driver, type Harness } from "../engine/testing/harness";
import { runLogLine, startRunLog, type RunLog } from "./run-log";
import { startRunOrThrow } from "./service";

const failing = {
  name: "Fails",
  inputs: [],
  nodes: [{ id: "boom", kind: "agent", position: { x: 0, y: 0 }, config: { profile: "demo", prompt: "x", options: { failTimes: 5 } } }],
  edges: [],
};

describe.each<Driver>(["pglite", "postgres"])("run log on %s", (driver) => {
  let h: Harness;
  let log: RunLog;
  const lines: string[] = [];
  beforeAll(async () => {
    h = await openHarness(driver);
    // History before the log starts stays out of it.
    const earlier = await h.createFlow(EXAMPLE_FLOW);
    const old = await startRunOrThrow(h.db, { flowId: earlier, inputs: { task: "old" }, origin: "api" });
    await h.drain(old.id);
    log = await startRunLog(h.db, (line) => lines.push(line));
  });
  afterAll(async () => {
    log.stop();
    await h.close();
  });

  it("prints one line when a run starts and one when it ends, with its outcome and the failure", async () => {
    const flowId = await h.createFlow(EXAMPLE_FLOW);
    const ok = await startRunOrThrow(h.db, { flowId, inputs: { task: "Add a greeting" }, origin: "ui" });
    await h.drain(ok.id);
    const failFlow = await h.createFlow(failing);
    const bad = await startRunOrThrow(h.db, { flowId: failFlow, inputs: {}, origin: "mcp" });
    await h.drain(bad.id);
    await waitFor(async () => lines.length >= 4, "four run-log lines");
    await log.settled();
    expect(lines).toHaveLength(4);
    const example = `${EXAMPLE_FLOW.name} v1`;
    expect(lines[0]).toBe(`[baton] run ${ok.id} started: ${example} (ui) — /runs/${ok.id}`);
    expect(lines[1]).toMatch(new RegExp(`^\\[baton\\] run ${ok.id} succeeded in \\d+\\.\\d s: ${example.replace(/[(),:]/g, ".")}$`));
    expect(lines).toContain(`[baton] run ${bad.id} started: Fails v1 (mcp) — /runs/${bad.id}`);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^\\[baton\\] run ${bad.id} failed in \\d+\\.\\d s: Fails v1 — .*scripted failure`)));
  });
});

describe("runLogLine", () => {
  const row = { id: 1, run_id: "r1", flow_name: "F", flow_version: 2, origin: "api", first: false, elapsed_s: 1.25 };
  it("says nothing for a change that neither starts nor ends the run", () => {
    expect(runLogLine({ ...row, data: { status: "waiting", finished: false } })).toBeNull();
  });
  it("keeps a long error to one line of bounded length", () => {
    const line = runLogLine({ ...row, data: { status: "failed", finished: true, error: `a\n\nb ${"x".repeat(1000)}` } })!;
    expect(line).toMatch(/^\[baton\] run r1 failed in 1\.3 s: F v2 — a b x+…$/);
    expect(line.length).toBeLessThan(400);
  });
  it("names a deleted flow", () => {
    expect(runLogLine({ ...row, flow_name: null, data: { status: "canceled", finished: true } })).toBe("[baton] run r1 canceled in 1.3 s: (deleted flow) v2");
  });
});
