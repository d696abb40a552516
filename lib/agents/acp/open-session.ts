/**
 * What happens between spawning an ACP agent and prompting it: `initialize`, `authenticate`
 * when the agent asks for it, `session/new`, then the node's model and the profile's mode.
 * Pure choices (which auth method, which model call) are exported for tests; the requests
 * go through `send`, which races each against the process (backend.ts).
 */
import * as acp from "@agentclientprotocol/sdk";
import { AgentError } from "../types";
import type { AcpConfig } from "./config";
import { chooseModel, type ModelChoice } from "./select-model";
import { initializeParams } from "./stdio";

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

export interface AuthChoice {
  methodId: string;
  /** Why this one (for the step log). */
  reason: string;
}

/**
 * The `authenticate` method to call, or null. The profile's `authMethod` wins when the agent
 * offers it; otherwise the first method of type "env_var" whose variables are all set in
 * the agent's environment (codex-acp's `openai-api-key`: the key stays a `$REF` in the
 * profile, resolved into the env). Agents that authenticate from their env by themselves
 * (qwen, Gemini) offer no such method and are not asked.
 */
export function chooseAuthMethod(authMethods: unknown, configured: string | undefined, env: Record<string, string | undefined>): AuthChoice | null {
  const methods = Array.isArray(authMethods) ? authMethods.filter(isObject) : [];
  if (configured) {
    const offered = methods.some((m) => m.id === configured);
    if (!offered) {
      const ids = methods.map((m) => String(m.id)).join(", ") || "(none)";
      throw new AgentError("invalid", `the profile's authMethod "${configured}" is not offered by the agent; it offers: ${ids}`);
    }
    return { methodId: configured, reason: "the profile's authMethod" };
  }
  for (const method of methods) {
    if (method.type !== "env_var" || typeof method.id !== "string") continue;
    const vars = Array.isArray(method.vars) ? method.vars.filter(isObject).map((v) => String(v.name)) : [];
    if (vars.length > 0 && vars.every((name) => env[name])) return { methodId: method.id, reason: `${vars.join(", ")} set` };
  }
  return null;
}

export type ModelCall =
  | { kind: "config-option"; configId: string; value: string }
  | { kind: "set-model"; modelId: string }
  | { kind: "none"; note: string };

/**
 * How to select `model` on a new session: a `configOptions` select of category "model"
 * (set with session/set_config_option), else the `models` list (Gemini CLI, qwen: set with
 * session/set_model), matched by id or name, case-insensitively. A model the agent doesn't
 * list is an error naming what it offers; an agent that offers no choice keeps its default.
 */
export function chooseModelCall(session: unknown, model: string): ModelCall {
  const record = isObject(session) ? session : {};
  const byOption: ModelChoice = chooseModel(record.configOptions, model);
  if (byOption.kind === "set") return { kind: "config-option", configId: byOption.configId, value: byOption.value };
  const models = isObject(record.models) && Array.isArray(record.models.availableModels) ? record.models.availableModels.filter(isObject) : [];
  const wanted = model.toLowerCase();
  const match =
    models.find((m) => String(m.modelId).toLowerCase() === wanted) ?? models.find((m) => String(m.name ?? "").toLowerCase() === wanted);
  if (match) return { kind: "set-model", modelId: String(match.modelId) };
  const offered = [...(byOption.kind === "unknown" ? byOption.available : []), ...models.map((m) => String(m.modelId))];
  if (offered.length > 0) throw new AgentError("invalid", `the agent doesn't offer model ${model}; it offers: ${offered.join(", ")}`);
  return { kind: "none", note: `the agent offers no model choice; model ${model} ignored, using its default` };
}

export interface SessionDeps {
  connection: { agent: { request(method: string, params?: unknown): Promise<unknown> } };
  config: AcpConfig;
  cwd: string;
  model?: string;
  env: Record<string, string | undefined>;
  /** An earlier session to continue with `session/load`, when the agent can load sessions. */
  resume?: string;
  /** Told when a loaded session's replayed history starts and ends (it is not this task's output). */
  onReplay?(replaying: boolean): void;
  /** Runs one request as the named phase (races it against the process; maps failures). */
  send<T>(phase: string, request: () => Promise<T>): Promise<T>;
  log(text: string): void;
  /** An MCP server (Streamable HTTP) for the session, used when the agent advertises HTTP MCP. */
  mcpHttp?: { name: string; url: string; tools: string[] };
}

export interface OpenedSession {
  sessionId: string;
  /** The session was `resume`, loaded; false when a new one was started. */
  loaded: boolean;
  agentInfo: string | null;
  initializeMs: number;
}

export async function openSession(deps: SessionDeps): Promise<OpenedSession> {
  const { connection, config } = deps;
  const started = performance.now();
  const init = (await deps.send("initialize", () =>
    connection.agent.request(acp.methods.agent.initialize, initializeParams({ fs: config.clientFs })),
  )) as acp.InitializeResponse;
  const initializeMs = Math.round(performance.now() - started);
  const info = init.agentInfo ? `${init.agentInfo.name}${init.agentInfo.version ? ` ${init.agentInfo.version}` : ""}` : null;
  deps.log(`${info ?? "agent"} initialized in ${initializeMs} ms`);
  const auth = chooseAuthMethod(init.authMethods, config.authMethod, deps.env);
  if (auth) {
    await deps.send("authenticate", () => connection.agent.request(acp.methods.agent.authenticate, { methodId: auth.methodId }));
    deps.log(`authenticated with ${auth.methodId} (${auth.reason})`);
  }
  const loaded = deps.resume ? await loadSession(deps, deps.resume, init) : null;
  const mcpServers = sessionMcpServers(deps, init);
  const session = loaded ?? ((await deps.send("session/new", () =>
    connection.agent.request(acp.methods.agent.session.new, { cwd: deps.cwd, mcpServers }),
  )) as acp.NewSessionResponse);
  const sessionId = session.sessionId;
  if (deps.model) {
    const call = chooseModelCall(session, deps.model);
    if (call.kind === "config-option") {
      await deps.send("session/set_config_option", () =>
        connection.agent.request(acp.methods.agent.session.setConfigOption, { sessionId, configId: call.configId, value: call.value }),
      );
    } else if (call.kind === "set-model") {
      await deps.send("session/set_model", () => connection.agent.request("session/set_model", { sessionId, modelId: call.modelId }));
    } else deps.log(call.note);
  }
  if (config.mode) {
    await deps.send("session/set_mode", () => connection.agent.request(acp.methods.agent.session.setMode, { sessionId, modeId: config.mode! }));
  }
  return { sessionId, loaded: loaded !== null, agentInfo: info, initializeMs };
}

/** Only an agent that advertises `mcpCapabilities.http` may be sent an HTTP server (ACP's rule). */
function sessionMcpServers(deps: SessionDeps, init: acp.InitializeResponse): acp.McpServer[] {
  if (!deps.mcpHttp) return [];
  if (!init.agentCapabilities?.mcpCapabilities?.http) {
    deps.log(`the agent does not take MCP servers over HTTP; it works without ${deps.mcpHttp.name}'s tools`);
    return [];
  }
  return [{ type: "http", name: deps.mcpHttp.name, url: deps.mcpHttp.url, headers: [] }];
}

/**
 * `session/load` of an earlier session (in the new working directory), or null when the agent
 * can't: it doesn't advertise `loadSession`, or refuses this session (then a new session
 * gets the full prompt, so the round still happens, only without the earlier conversation).
 */
async function loadSession(deps: SessionDeps, sessionId: string, init: acp.InitializeResponse): Promise<acp.NewSessionResponse | null> {
  if (!init.agentCapabilities?.loadSession) {
    deps.log(`the agent can't load sessions; starting a new one with the full prompt`);
    return null;
  }
  deps.onReplay?.(true);
  try {
    const answer = (await deps.send("session/load", () =>
      deps.connection.agent.request(acp.methods.agent.session.load, { sessionId, cwd: deps.cwd, mcpServers: [] }),
    )) as Omit<acp.NewSessionResponse, "sessionId"> | null;
    deps.log(`continued session ${sessionId}`);
    return { ...(answer ?? {}), sessionId };
  } catch (error) {
    if (!(error instanceof AgentError) || error.code !== "protocol") throw error;
    deps.log(`session ${sessionId} could not be loaded (${error.message}); starting a new one with the full prompt`);
    return null;
  } finally {
    deps.onReplay?.(false);
  }
}
