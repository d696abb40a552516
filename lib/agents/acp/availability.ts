/**
 * Is an ACP profile usable, and how far was that checked?
 * - installed: its program is found (on PATH or at its path) — no process is started;
 * - started: the program answers one real `initialize` (the settings page's "Test
 *   connection"), with the time it took;
 * - authenticated: it also `authenticate`s when it asks to and opens a session (`session/new`)
 *   in a scratch directory — what a step needs; credentials are only proven here.
 * Steps never call this: their own `initialize` is the check. Errors are the agent's, verbatim.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as acp from "@agentclientprotocol/sdk";
import { resolveProfileEnv } from "../../profiles/env";
import { childEnv } from "../../process/child-env";
import { findExecutable } from "../command/find-executable";
import { describeExit, spawnGroup, TailBuffer, terminateGroup, type GroupProcess } from "../command/process-group";
import type { Availability, AvailabilityOptions } from "../types";
import { acpConfigSchema, type AcpConfig } from "./config";
import { openSession } from "./open-session";
import { connectStdio, exitWithin, initializeParams, isJsonRpcError } from "./stdio";
import { messageOf } from "./messages";

function exitReason(program: string, phase: string, exit: string, stderr: string): string {
  const tail = stderr.trim().split("\n").slice(-3).join(" ");
  return `${program} ${exit} during ${phase}${tail ? `: ${tail}` : ""}`;
}

class CheckFailed extends Error {}

/** Pure: the package an `npx [flags] <package> …` command runs, or null for any other command. */
export function npxPackage(command: readonly string[]): string | null {
  if (command[0] === undefined || !/(^|\/)npx$/.test(command[0])) return null;
  return command.slice(1).find((arg) => !arg.startsWith("-")) ?? null;
}

export async function acpAvailability(raw: Record<string, unknown>, options: AvailabilityOptions = {}): Promise<Availability> {
  const parsed = acpConfigSchema.safeParse(raw);
  if (!parsed.success) return { available: false, checked: "installed", reason: `invalid config: ${parsed.error.issues[0]?.message ?? "unknown"}` };
  const config = parsed.data;
  const program = config.command[0];
  const found = await findExecutable(program, options.env?.PATH ?? process.env.PATH);
  if (!found) return { available: false, checked: "installed", reason: `${program} not found${program.includes("/") ? "" : " on PATH"}` };
  const level = options.level ?? "installed";
  if (level === "installed") {
    const fetched = npxPackage(config.command);
    // npx itself being found says nothing about the agent: say what the first start will do.
    const what = fetched ? `; npx fetches ${fetched} on the first start (this check runs nothing)` : "";
    return { available: true, checked: "installed", reason: `${program} found at ${found}${what}` };
  }
  return startCheck(config, program, found, level, options.env ?? {});
}

async function startCheck(config: AcpConfig, program: string, found: string, level: "started" | "authenticated", extraEnv: Record<string, string>): Promise<Availability> {
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), "baton-acp-check-"));
  const cwd = await fs.realpath(scratch);
  const env = childEnv({ ...resolveProfileEnv(config, process.env), ...extraEnv });
  const proc: GroupProcess = spawnGroup(config.command, { cwd, env });
  const stderr = new TailBuffer(2000);
  proc.child.stderr?.setEncoding("utf8");
  proc.child.stderr?.on("data", (chunk: string) => stderr.push(chunk));
  const connection = acp.client({ name: "baton-check" }).connect(connectStdio(proc));
  const started = performance.now();
  const deadline = started + config.availabilityTimeoutMs;
  let phase = "initialize";

  /** One request, raced against the process ending and the check's deadline. */
  const send = async <T>(name: string, request: () => Promise<T>): Promise<T> => {
    phase = name;
    let timer: NodeJS.Timeout | undefined;
    try {
      const outcome = await Promise.race([
        request().then((value) => ({ value })),
        proc.exited.then((exit) => ({ exit })),
        new Promise<{ late: true }>((resolve) => (timer = setTimeout(() => resolve({ late: true }), Math.max(0, deadline - performance.now())))),
      ]);
      if ("value" in outcome) return outcome.value;
      if ("exit" in outcome) throw new CheckFailed(exitReason(program, phase, describeExit(outcome.exit), stderr.toString()));
      throw new CheckFailed(`${program} did not answer ${phase} within ${config.availabilityTimeoutMs} ms`);
    } catch (error) {
      if (error instanceof CheckFailed) throw error;
      const exit = isJsonRpcError(error) ? null : await exitWithin(proc, 1500);
      if (exit) throw new CheckFailed(exitReason(program, phase, describeExit(exit), stderr.toString()));
      throw new CheckFailed(`${phase} failed: ${messageOf(error)}`);
    } finally {
      clearTimeout(timer);
    }
  };

  try {
    if (level === "started") {
      const init = await send("initialize", () => connection.agent.request(acp.methods.agent.initialize, initializeParams({ fs: config.clientFs })));
      const ms = Math.round(performance.now() - started);
      const name = init.agentInfo ? `${init.agentInfo.name}${init.agentInfo.version ? ` ${init.agentInfo.version}` : ""}` : program;
      return { available: true, checked: "started", ms, reason: `${name} answered initialize in ${ms} ms (${found})` };
    }
    const notes: string[] = [];
    const session = await openSession({ connection, config, cwd, env, send, log: (text) => notes.push(text) });
    const ms = Math.round(performance.now() - started);
    const auth = notes.find((n) => n.startsWith("authenticated"));
    return {
      available: true,
      checked: "authenticated",
      ms,
      reason: `${session.agentInfo ?? program} opened a session in ${ms} ms${auth ? ` (${auth})` : ""}`,
    };
  } catch (error) {
    return { available: false, checked: level, ms: Math.round(performance.now() - started), reason: error instanceof Error ? error.message : String(error) };
  } finally {
    connection.close();
    await terminateGroup(proc, 500);
    await fs.rm(scratch, { recursive: true, force: true });
  }
}
