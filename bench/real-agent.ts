/**
 * Baton's overhead per real-agent step: the real qwen-code CLI (installed into the test cache
 * when missing) does the same one-edit task against the same scripted model server, driven
 *   - bare: by a minimal ACP client (spawn → initialize → session/new → set_mode → prompt,
 *     answering the permission request and the fs write, then kill) in a scratch checkout;
 *   - baton: as one agent step of a run (claim, worktree, agent, diff, commit, completion)
 *     through the real engine and worker on Postgres.
 * Pairs alternate so load drifts hit both; overhead = step wall − bare wall, per pair.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as acp from "@agentclientprotocol/sdk";
import { acpBackend } from "../lib/agents/acp/backend";
import { connectStdio, initializeParams } from "../lib/agents/acp/stdio";
import { spawnGroup, terminateGroup } from "../lib/agents/command/process-group";
import { startModelServer, type ModelServer, type ScriptedTurn } from "../lib/agents/testing/model-server";
import { realAgentBinary } from "../lib/agents/testing/real-agents";
import { openHarness, type Harness } from "../lib/engine/testing/harness";
import { attemptWorktreePath, worktreesRoot } from "../lib/git/ref-names";
import { createRepo, makeTempDir } from "../lib/git/test-repos";
import { agentEnvOf, prepareAgentHomeOrThrow } from "../lib/profiles/home";
import { findPreset } from "../lib/profiles/presets";
import { applyPreset } from "../lib/profiles/presets/apply-preset";
import { insertProfile } from "../lib/profiles/repository";
import { getRunOrThrow, startRunOrThrow } from "../lib/runs/service";
import { median, round } from "./dispatch-stats";

const script = (dir: string): ScriptedTurn[] => [
  { toolCalls: [{ name: "write_file", args: { file_path: path.join(dir, "hello.txt"), content: "hello\n" } }] },
  { text: "Wrote hello.txt." },
];

async function bareTurn(config: Record<string, unknown>, env: Record<string, string>, server: ModelServer): Promise<number> {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "baton-bench-bare-")));
  server.setScript(script(dir));
  const started = performance.now();
  const proc = spawnGroup(config.command as string[], { cwd: dir, env: { ...process.env, ...env } });
  const connection = acp
    .client({ name: "bare" })
    .onNotification(acp.methods.client.session.update, () => {})
    .onRequest(acp.methods.client.session.requestPermission, async ({ params }) => ({
      outcome: { outcome: "selected" as const, optionId: params.options.find((o) => o.kind === "allow_once")!.optionId },
    }))
    .onRequest(acp.methods.client.fs.readTextFile, async ({ params }) => ({ content: fs.readFileSync(params.path, "utf8") }))
    .onRequest(acp.methods.client.fs.writeTextFile, async ({ params }) => {
      fs.writeFileSync(params.path, params.content);
      return {};
    })
    .connect(connectStdio(proc));
  try {
    await connection.agent.request(acp.methods.agent.initialize, initializeParams());
    const { sessionId } = await connection.agent.request(acp.methods.agent.session.new, { cwd: dir, mcpServers: [] });
    await connection.agent.request(acp.methods.agent.session.setMode, { sessionId, modeId: String(config.mode) });
    await connection.agent.request(acp.methods.agent.session.prompt, { sessionId, prompt: [{ type: "text", text: "write hello" }] });
    if (!fs.existsSync(path.join(dir, "hello.txt"))) throw new Error("bare run: the agent wrote nothing");
  } finally {
    await terminateGroup(proc, 1000);
    connection.close();
  }
  const wall = performance.now() - started;
  fs.rmSync(dir, { recursive: true, force: true });
  return wall;
}

/** Time spent inside the ACP backend's run (spawn → kill) by the steps of this process. */
const agentTimes: number[] = [];
function timeAgentRuns(): () => void {
  const run = acpBackend.run;
  (acpBackend as { run: typeof run }).run = async (task) => {
    const started = performance.now();
    try {
      return await run(task);
    } finally {
      agentTimes.push(performance.now() - started);
    }
  };
  return () => ((acpBackend as { run: typeof run }).run = run);
}

async function batonStep(h: Harness, flowId: string, repo: string, server: ModelServer): Promise<number> {
  const { id } = await startRunOrThrow(h.db, { flowId, inputs: { task: "write hello" }, repo, origin: "api" });
  server.setScript(script(attemptWorktreePath(worktreesRoot(h.dataDir), id, "code", 1)));
  const started = performance.now();
  await h.drain(id);
  const wall = performance.now() - started;
  const run = await getRunOrThrow(h.db.orm, id);
  const step = run.steps[0];
  if (step.state !== "succeeded" || !step.diff?.includes("hello.txt")) throw new Error(`baton run: step ${step.state}: ${step.error}`);
  return wall;
}

export async function runRealAgentBench(pairs = 5): Promise<void> {
  const [binary, server] = await Promise.all([realAgentBinary("qwen"), startModelServer()]);
  const h = await openHarness("postgres");
  try {
    process.env.BATON_BENCH_QWEN_KEY = "sk-bench-qwen-0123456789";
    const applied = applyPreset(findPreset("qwen-code")!, { binary, model: "scripted", baseURL: `${server.origin}/v1`, apiKey: "$BATON_BENCH_QWEN_KEY" }, "qwen-bench");
    if (!applied.ok) throw new Error(JSON.stringify(applied.issues));
    const config = applied.profile.config;
    await insertProfile(h.db.orm, { ...applied.profile, enabled: true });
    // The bare client gets the same environment and HOME a step gets.
    const agentEnv = agentEnvOf({ id: "qwen-bench", config }, h.dataDir);
    await prepareAgentHomeOrThrow(agentEnv, config.homeFiles);
    const { repo } = await createRepo(await makeTempDir("baton-bench-repo"), { "README.md": "hello\n" });
    const flowId = await h.createFlow({ name: "bench", inputs: [{ name: "task" }], nodes: [{ id: "code", kind: "agent", config: { profile: "qwen-bench", prompt: "{{inputs.task}}" } }], edges: [] });

    await bareTurn(config, agentEnv.env, server); // warm the disk cache for both
    const bare: number[] = [];
    const baton: number[] = [];
    const untime = timeAgentRuns();
    try {
      for (let i = 0; i < pairs; i++) {
        bare.push(await bareTurn(config, agentEnv.env, server));
        baton.push(await batonStep(h, flowId, repo, server));
      }
    } finally {
      untime();
    }
    // The same step, decomposed: its wall time minus the agent's own run inside it (claim,
    // worktree, env/HOME, diff, commit, completion) — no agent-to-agent variance in it.
    const around = baton.map((b, i) => b - agentTimes[i]);
    const overhead = baton.map((b, i) => b - bare[i]);
    const sorted = [...overhead].sort((a, b) => a - b);
    const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)];
    const [l1, l5] = os.loadavg();
    console.log(`real agent: qwen-code ${binary} — ${pairs} pairs, load average ${round(l1, 2)} / ${round(l5, 2)} (1/5 min), ${os.cpus().length} cores`);
    console.log(`  bare ACP client, one edit turn (ms)        median ${round(median(bare), 0)}   all ${bare.map((v) => round(v, 0)).join(" ")}`);
    console.log(`  Baton agent step, same turn (ms)          median ${round(median(baton), 0)}   all ${baton.map((v) => round(v, 0)).join(" ")}`);
    const ok = median(overhead) <= 300;
    const spread = Math.max(...bare) - Math.min(...bare);
    console.log(
      `  within the step: wall − the agent's run (ms) median ${round(median(around), 0)}   all ${around.map((v) => round(v, 0)).join(" ")}   target <= 300   ${median(around) <= 300 ? "OK" : "MISSED"}`,
    );
    console.log(`  (the bare turns alone spread over ${round(spread, 0)} ms at this load: the paired difference below carries that noise)`);
    console.log(
      `  Baton overhead per step (ms)              median ${round(median(overhead), 0)}   p95 ${round(p95, 0)}   ratio ${round(median(baton) / median(bare), 2)}   target <= 300   ${ok ? "OK" : "MISSED"}`,
    );
  } finally {
    delete process.env.BATON_BENCH_QWEN_KEY;
    await server.close();
    await h.close();
  }
}
