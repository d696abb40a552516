/**
 * The script a test hands the fake ACP agent (fake-agent.ts): what it does at `initialize`
 * and, step by step, during `session/prompt`. Paths in steps are relative to the session cwd
 * unless absolute. Every file or permission step reports its outcome as a message chunk
 * "[<op> <path>: ok|error <message>]" so tests can assert refusals from the event stream.
 */
import { z } from "zod";

const toolKind = z.enum(["read", "edit", "delete", "move", "search", "execute", "think", "fetch", "other"]);
const toolStatus = z.enum(["pending", "in_progress", "completed", "failed"]);

export const fakeStepSchema = z.discriminatedUnion("op", [
  z.object({ op: z.literal("chunk"), text: z.string() }),
  z.object({ op: z.literal("thought"), text: z.string() }),
  z.object({
    op: z.literal("tool-call"),
    id: z.string(),
    title: z.string(),
    kind: toolKind.default("edit"),
    status: toolStatus.default("pending"),
    locations: z.array(z.string()).default([]),
    diff: z.object({ path: z.string(), oldText: z.string().nullable().optional(), newText: z.string() }).optional(),
  }),
  z.object({ op: z.literal("tool-update"), id: z.string(), status: toolStatus }),
  z.object({ op: z.literal("plan"), entries: z.array(z.object({ content: z.string(), status: z.string() })) }),
  /** Through the client's fs/write_text_file. */
  z.object({ op: z.literal("write"), path: z.string(), content: z.string() }),
  /** Through the client's fs/read_text_file; the content is reported in the chunk. */
  z.object({ op: z.literal("read"), path: z.string(), line: z.number().optional(), limit: z.number().optional() }),
  /** Straight to disk, bypassing the client (as some real agents do). */
  z.object({ op: z.literal("disk-write"), path: z.string(), content: z.string() }),
  z.object({ op: z.literal("symlink"), path: z.string(), target: z.string() }),
  z.object({ op: z.literal("permission"), id: z.string(), title: z.string(), locations: z.array(z.string()).default([]) }),
  z.object({
    op: z.literal("usage"),
    used: z.number(),
    size: z.number(),
    costUsd: z.number().optional(),
  }),
  z.object({ op: z.literal("stderr"), text: z.string() }),
  z.object({ op: z.literal("env"), name: z.string() }),
  /** A session/update variant this client has never heard of. */
  z.object({ op: z.literal("unknown-update") }),
  /** Spawns `sleep 600` in the agent's process group and writes its pid to `pidFile`. */
  z.object({ op: z.literal("spawn-child"), pidFile: z.string() }),
  z.object({ op: z.literal("sleep"), ms: z.number() }),
  z.object({ op: z.literal("crash"), code: z.number().default(3) }),
  /** Waits for session/cancel (then answers `cancelled`), or forever with ignoreCancel. */
  z.object({ op: z.literal("hang"), ignoreCancel: z.boolean().default(false) }),
  /** Asks the client for a terminal (Baton doesn't advertise terminals: it must refuse). */
  z.object({ op: z.literal("terminal"), command: z.string() }),
  /** Writes a line that is not JSON-RPC to stdout. */
  z.object({ op: z.literal("garbage") }),
  /** Reports the prompt it was given as "[prompt <text>]". */
  z.object({ op: z.literal("echo-prompt") }),
  /**
   * Calls a tool of the HTTP MCP server session/new gave it (by name) with the MCP SDK's
   * client, and reports "[mcp <tool>: <result text>]" ("[mcp <tool>: no server <name>]" without one).
   */
  z.object({ op: z.literal("mcp-call"), server: z.string(), tool: z.string(), args: z.record(z.string(), z.unknown()).default({}) }),
  /** Reports which prompt of this process's session this is: "[turn <n> of session <id>]". */
  z.object({ op: z.literal("turn") }),
]);
export type FakeStep = z.infer<typeof fakeStepSchema>;

export const fakeScriptSchema = z.object({
  initialize: z.enum(["ok", "hang", "crash"]).default("ok"),
  steps: z.array(fakeStepSchema).default([]),
  /** Per prompt of the process (a fix loop's rounds): prompt n runs turns[n-1], else `steps`. */
  turns: z.array(z.array(fakeStepSchema)).default([]),
  stopReason: z.enum(["end_turn", "max_tokens", "max_turn_requests", "refusal", "cancelled"]).default("end_turn"),
  /** Put on the prompt response as the (unstable) `usage` field. */
  promptUsage: z.object({ inputTokens: z.number(), outputTokens: z.number(), totalTokens: z.number() }).optional(),
  /** Appends the agent's pid to this file when it starts (tests count starts). */
  startLog: z.string().optional(),
  /**
   * Appends every request and notification the client sends, as read off stdin, to this file:
   * one JSON line `{"method", "params"}` each, written before it is handled (tests assert what
   * went over the wire, e.g. which session a session/cancel named).
   */
  wireLog: z.string().optional(),
  /** Answer session/new with "authentication required". */
  requireAuth: z.boolean().default(false),
  /**
   * Like codex-acp: advertise an "env_var" auth method and refuse session/new until
   * `authenticate` was called with it while the variable is set in the agent's environment.
   */
  envAuth: z.object({ methodId: z.string(), variable: z.string() }).optional(),
  /**
   * A directory where sessions outlive the process (one JSON file each: the prompts so far).
   * Set: the agent advertises `loadSession`, gives each session a unique id, replays a loaded
   * session's history as updates before answering session/load, and starts each prompt's
   * answer with "[session <id> turn <n>]".
   */
  sessions: z.string().optional(),
  /** Advertise `mcpCapabilities.http` (take MCP servers over Streamable HTTP). */
  mcpHttp: z.boolean().default(false),
  /** Answer session/prompt with a JSON-RPC error instead of a stop reason. */
  promptError: z.string().optional(),
});
export type FakeScript = z.input<typeof fakeScriptSchema>;
