/**
 * The agent interface: every backend (acp, command, openai, demo) implements `AgentBackend`.
 *
 * Glossary:
 * - task: one prompt for one agent in one working directory; a step attempt runs one task.
 * - event: what the agent did while working, streamed in order (AgentEvent).
 * - result: how the task ended. A backend *returns* a result for normal ends (including a
 *   refusal or max_tokens) and *throws* AgentError for failures (crash, protocol error,
 *   non-zero exit, HTTP error); cancellation via `signal` ends with stopReason "cancelled".
 *
 * Backend-specific settings arrive through `options` (the profile's config, with the node
 * options its backend allows merged over it: lib/agents/node-options.ts), never by widening
 * this interface.
 */

export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  costUsd?: number;
  /** Context window in use at the end (as ACP's usage_update reports it); not tokens spent. */
  contextTokens?: number;
}

export type ToolCallStatus = "pending" | "in_progress" | "completed" | "failed";
export type ToolKind = "read" | "edit" | "delete" | "move" | "search" | "execute" | "think" | "fetch" | "other";

export interface ToolCallContentDiff {
  type: "diff";
  path: string;
  oldText?: string | null;
  newText: string;
}
export interface ToolCallContentText {
  type: "text";
  text: string;
}
export type ToolCallContent = ToolCallContentDiff | ToolCallContentText;

export type AgentEvent =
  | { type: "text-chunk"; text: string }
  | { type: "thought-chunk"; text: string }
  | {
      type: "tool-call";
      toolCallId: string;
      title: string;
      kind: ToolKind;
      status: ToolCallStatus;
      locations?: string[];
      content?: ToolCallContent[];
      rawInput?: unknown;
    }
  | {
      type: "tool-call-update";
      toolCallId: string;
      title?: string;
      kind?: ToolKind;
      status?: ToolCallStatus;
      locations?: string[];
      content?: ToolCallContent[];
      rawOutput?: unknown;
    }
  | { type: "plan"; entries: Array<{ content: string; status: string; priority?: string }> }
  | { type: "log-line"; stream: "stderr" | "stdout" | "info"; text: string }
  | { type: "usage-report"; usage: Usage };

export type StopReason = "end_turn" | "max_tokens" | "max_turn_requests" | "refusal" | "cancelled";

export interface AgentResult {
  output: string;
  stopReason: StopReason;
  usage: Usage;
  /** The agent's session, for backends that have one a later task can continue (ACP). */
  sessionId?: string;
  /** True when the task continued `resume.sessionId` instead of starting a new session. */
  sessionLoaded?: boolean;
}

export interface AgentTask {
  prompt: string;
  /** Absolute working directory (the step's worktree), or null for workspace "none". */
  cwd: string | null;
  model?: string;
  /** Extra environment for the agent process (resolved secrets included). */
  env: Record<string, string>;
  signal: AbortSignal;
  /** Milliseconds; the backend ends the task with AgentError("timeout") past it. */
  timeoutMs?: number;
  /** The profile config merged with the node's allowed options. */
  options: Record<string, unknown>;
  /** Identifies the attempt, e.g. for demo's failTimes: fail while attempt <= failTimes. */
  attempt: number;
  /**
   * Continue an earlier session instead of starting one (a review round): a backend that can
   * load `sessionId` sends only `prompt` (the review); any other uses the full `prompt` above.
   */
  resume?: { sessionId: string; prompt: string };
  /**
   * More turns in the same conversation (a fix loop, lib/kinds/loop): called with each turn's
   * result once its answer is complete. A prompt continues the conversation — a backend with
   * `continuesTurns` sends it in the same session of the same process, with `timeoutMs` again
   * for that turn; lib/agents/turns.ts runs any other backend turn by turn — and null ends the
   * task with that turn's result. While it runs, the turn's timeout is not counting.
   */
  followUp?(turn: AgentResult): Promise<string | null>;
  /**
   * Tools the model may call during this task (the drafting agent's read-only flow tools,
   * lib/drafts/draft-tools.ts). Only a backend whose `offersTaskTools` is true uses them;
   * steps never pass any (an agent CLI has its own tools).
   */
  tools?: TaskTools;
  /**
   * The same tools as an MCP server over Streamable HTTP, for a backend whose agent connects
   * to MCP servers itself (`connectsMcpHttp`: ACP, when the agent advertises HTTP MCP).
   */
  mcpHttp?: { name: string; url: string; tools: string[] };
  /** Called for every event, in order. May return a promise; backends need not await it. */
  onEvent(event: AgentEvent): void;
}

export interface TaskToolSpec {
  name: string;
  description: string;
  /** The arguments' JSON Schema (an object schema). */
  parameters: Record<string, unknown>;
}

export interface TaskTools {
  specs: TaskToolSpec[];
  /** Never throws for a bad call: a refusal is `isError` with the reason, for the model to read. */
  call(name: string, args: unknown): Promise<{ text: string; isError: boolean }>;
}

export class AgentError extends Error {
  constructor(
    readonly code: "crash" | "protocol" | "exit" | "http" | "timeout" | "unavailable" | "scripted" | "invalid",
    message: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "AgentError";
  }
}

/**
 * How far an availability check went: the program is there (installed), it answered a real
 * start (started: an ACP `initialize`, an endpoint's model list), it opened a session with
 * its credentials (authenticated).
 */
export type AvailabilityLevel = "installed" | "started" | "authenticated";

export interface Availability {
  available: boolean;
  /** Why not, or what was found ("claude-agent-acp 0.4.1 on PATH"); an agent's error verbatim. */
  reason: string;
  /** What was checked (absent: the backend has only one kind of check). */
  checked?: AvailabilityLevel;
  /** How long the check took, when it started something. */
  ms?: number;
}

export interface AvailabilityOptions {
  /** How far to check (default "installed": nothing is started). */
  level?: AvailabilityLevel;
  /** The profile's part of the environment (its env and HOME), as a step would get it. */
  env?: Record<string, string>;
}

export interface AgentBackend {
  readonly id: "acp" | "command" | "openai" | "demo";
  /** `run` honours `task.followUp` itself: every turn in one session (lib/agents/turns.ts). */
  readonly continuesTurns?: true;
  /** True when run() offers `task.tools` to the model (and runs their calls in its turn). */
  readonly offersTaskTools?: boolean;
  /** True when run() hands `task.mcpHttp` to the agent (which may still not support it). */
  readonly connectsMcpHttp?: boolean;
  run(task: AgentTask): Promise<AgentResult>;
  /** The settings page's check; steps never call it (their own start is the check). */
  availability(config: Record<string, unknown>, options?: AvailabilityOptions): Promise<Availability>;
}
