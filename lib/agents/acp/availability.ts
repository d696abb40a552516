/**
 * Is an ACP profile usable? Its program must be found (on PATH or at an absolute path) and
 * answer `initialize` within `availabilityTimeoutMs`. The process is killed right after.
 */
import os from "node:os";
import * as acp from "@agentclientprotocol/sdk";
import { resolveProfileEnv } from "../../profiles/env";
import { childEnv } from "../../process/child-env";
import { findExecutable } from "../command/find-executable";
import { describeExit, spawnGroup, TailBuffer, terminateGroup } from "../command/process-group";
import type { Availability } from "../types";
import { acpConfigSchema } from "./config";
import { connectStdio, exitWithin, initializeParams, isJsonRpcError } from "./stdio";

function exitReason(program: string, exit: string, stderr: string): string {
  const tail = stderr.trim().split("\n").slice(-2).join(" ");
  return `${program} ${exit} before answering initialize${tail ? `: ${tail}` : ""}`;
}

/**
 * Successful checks are reused for a few seconds: the engine asks before every step, and an
 * arena starts several steps of one profile at once — each check spawns the agent. Failures
 * are never cached, so a freshly installed CLI shows up on the next check.
 */
const SUCCESS_TTL_MS = 10_000;
const shared = globalThis as unknown as { __batonAcpAvailability?: Map<string, { at: number; pending: Promise<Availability> }> };

export function acpAvailability(raw: Record<string, unknown>): Promise<Availability> {
  shared.__batonAcpAvailability ??= new Map();
  const cache = shared.__batonAcpAvailability;
  const key = JSON.stringify(raw);
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < SUCCESS_TTL_MS) return hit.pending;
  const pending = checkAcpAvailability(raw);
  cache.set(key, { at: Date.now(), pending });
  void pending.then((result) => {
    if (!result.available && cache.get(key)?.pending === pending) cache.delete(key);
  });
  return pending;
}

async function checkAcpAvailability(raw: Record<string, unknown>): Promise<Availability> {
  const parsed = acpConfigSchema.safeParse(raw);
  if (!parsed.success) return { available: false, reason: `invalid config: ${parsed.error.issues[0]?.message ?? "unknown"}` };
  const config = parsed.data;
  const program = config.command[0];
  const found = await findExecutable(program);
  if (!found) return { available: false, reason: `${program} not found${program.includes("/") ? "" : " on PATH"}` };

  const proc = spawnGroup(config.command, { cwd: os.tmpdir(), env: childEnv(resolveProfileEnv(config, process.env)) });
  const stderr = new TailBuffer(1000);
  proc.child.stderr?.setEncoding("utf8");
  proc.child.stderr?.on("data", (chunk: string) => stderr.push(chunk));
  const connection = acp.client({ name: "baton-availability" }).connect(connectStdio(proc));
  let timer: NodeJS.Timeout | undefined;
  try {
    const outcome = await Promise.race([
      connection.agent.request(acp.methods.agent.initialize, initializeParams()).then((r) => ({ response: r })),
      proc.exited.then((info) => ({ exited: info })),
      new Promise<{ timedOut: true }>((resolve) => (timer = setTimeout(() => resolve({ timedOut: true }), config.availabilityTimeoutMs))),
    ]);
    if ("response" in outcome) {
      const info = outcome.response.agentInfo;
      const name = info ? `${info.name}${info.version ? ` ${info.version}` : ""}` : program;
      return { available: true, reason: `${name} answers initialize (${found})` };
    }
    if ("exited" in outcome) return { available: false, reason: exitReason(program, describeExit(outcome.exited), stderr.toString()) };
    return { available: false, reason: `${program} did not answer initialize within ${config.availabilityTimeoutMs} ms` };
  } catch (error) {
    const exit = isJsonRpcError(error) ? null : await exitWithin(proc, 1500);
    if (exit) return { available: false, reason: exitReason(program, describeExit(exit), stderr.toString()) };
    return { available: false, reason: `${program} initialize failed: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    clearTimeout(timer);
    connection.close();
    await terminateGroup(proc, 500);
  }
}
