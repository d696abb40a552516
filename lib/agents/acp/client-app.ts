/**
 * The client side Baton presents to an ACP agent: session updates into an ordered event
 * queue, permission requests answered by policy, and file access confined to the worktree.
 * Terminal capability is not advertised, so agents run their own shells (and the SDK
 * answers any terminal/* request with "method not found").
 */
import fs from "node:fs/promises";
import path from "node:path";
import * as acp from "@agentclientprotocol/sdk";
import { confinedPathOrThrow, isInside, PathEscapeError, realPathAllowingMissing } from "./confine";
import { mapSessionUpdate, type MappedUpdate } from "./map-session-update";
import { chooseOption, decideAllow, isOwnMcpTool, type PermissionAnswer, type PermissionPolicy } from "./permission";

export interface ClientAppDeps {
  /** Real path of the worktree. */
  root: string;
  policy: PermissionPolicy;
  /** True once cancel or timeout began: open permission requests are answered `cancelled`. */
  stopping(): boolean;
  /** Runs `work` after all previously enqueued work, in arrival order. */
  enqueue(work: () => Promise<void>): void;
  /** Delivers one event (the caller accumulates output and usage). */
  deliver(event: MappedUpdate): Promise<void>;
  /** True while `session/load` replays an earlier conversation: those updates are not this task's. */
  replaying?(): boolean;
  /** The task's own MCP server and its tools (task.mcpHttp): calls of them are always allowed. */
  ownMcpTools?: { server: string; tools: readonly string[] };
}

/** Line/limit slicing of `fs/read_text_file` (line is 1-based). Pure. */
export function sliceLines(content: string, line?: number | null, limit?: number | null): string {
  if (!line && !limit) return content;
  const lines = content.split("\n");
  const start = Math.max((line ?? 1) - 1, 0);
  const end = limit ? start + limit : lines.length;
  return lines.slice(start, end).join("\n");
}

async function locationsInside(root: string, paths: string[]): Promise<boolean[]> {
  return Promise.all(
    paths.map(async (p) => {
      if (!path.isAbsolute(p) && p.startsWith("..")) return false;
      try {
        return isInside(root, await realPathAllowingMissing(path.resolve(root, p)));
      } catch {
        return false;
      }
    }),
  );
}

/**
 * The error a refused or failed fs request gets. A missing file is ACP's "Resource not
 * found" (-32002), the answer agents check for before creating a file (Gemini CLI treats
 * any other error as a failed write); everything else is invalid params with the reason.
 */
export function refusal(error: unknown, requested: string): acp.RequestError {
  if ((error as NodeJS.ErrnoException | null)?.code === "ENOENT") return acp.RequestError.resourceNotFound(requested);
  const message = error instanceof Error ? error.message : String(error);
  return acp.RequestError.invalidParams({ reason: message }, message);
}

function rawSessionNotification(params: unknown): { update: unknown } {
  if (typeof params !== "object" || params === null || !("update" in params)) {
    throw acp.RequestError.invalidParams(undefined, "session/update without an update");
  }
  return { update: params.update };
}

export function createClientApp(deps: ClientAppDeps): acp.ClientApp {
  const logInfo = (text: string) => deps.enqueue(() => deps.deliver({ type: "log-line", stream: "info", text }));
  // The titles the agent gave its tool calls in session updates, by id. qwen-code announces a
  // call of an MCP tool as "validate_flow (baton MCP Server)" but asks permission for it under
  // the model's call id with its arguments as the title, so the permission rule also reads the
  // announced title (the agent's own words, like the request's title: lib/agents/acp/permission.ts).
  const announced = new Map<string, string>();

  return acp
    .client({ name: "baton" })
    // Raw params: the pure mapper decides what is known. (The SDK's session router still
    // validates each update first and drops — and logs — variants newer than the SDK.)
    .onNotification("session/update", rawSessionNotification, ({ params }) => {
      // The SDK doesn't await notification handlers; the queue keeps updates in order.
      // Judged on arrival: the replay of a loaded session comes before the load's answer.
      if (deps.replaying?.()) return;
      const events = mapSessionUpdate(params.update);
      for (const event of events) if ((event.type === "tool-call" || event.type === "tool-call-update") && event.title) announced.set(event.toolCallId, event.title);
      deps.enqueue(async () => {
        for (const event of events) await deps.deliver(event);
      });
    })
    .onRequest(acp.methods.client.session.requestPermission, async ({ params }): Promise<PermissionAnswer> => {
      if (deps.stopping()) return { outcome: { outcome: "cancelled" } };
      const paths = (params.toolCall.locations ?? []).map((l) => l.path);
      const ownTools = deps.ownMcpTools;
      const seen = announced.get(params.toolCall.toolCallId);
      const own = ownTools !== undefined && (isOwnMcpTool(params.toolCall, ownTools) || (seen !== undefined && isOwnMcpTool({ toolCallId: params.toolCall.toolCallId, title: seen }, ownTools)));
      const allow = own || decideAllow(deps.policy, await locationsInside(deps.root, paths));
      const answer = chooseOption(allow, params.options);
      const title = params.toolCall.title ?? params.toolCall.toolCallId;
      logInfo(`permission ${allow ? "granted" : "denied"} (${own ? "Baton's own MCP tool" : `${deps.policy} policy`}): ${title}${paths.length ? ` [${paths.join(", ")}]` : ""}`);
      return answer;
    })
    .onRequest(acp.methods.client.fs.readTextFile, async ({ params }) => {
      try {
        const file = await confinedPathOrThrow(deps.root, params.path);
        const content = await fs.readFile(file, "utf8");
        return { content: sliceLines(content, params.line, params.limit) };
      } catch (error) {
        if (error instanceof PathEscapeError) logInfo(`fs/read_text_file ${error.message}`);
        throw refusal(error, params.path);
      }
    })
    .onRequest(acp.methods.client.fs.writeTextFile, async ({ params }) => {
      try {
        const file = await confinedPathOrThrow(deps.root, params.path);
        await fs.mkdir(path.dirname(file), { recursive: true });
        // Re-check after mkdir: a directory swapped for a symlink in between must not win.
        const again = await confinedPathOrThrow(deps.root, file);
        await fs.writeFile(again, params.content, "utf8");
        return {};
      } catch (error) {
        if (error instanceof PathEscapeError) logInfo(`fs/write_text_file ${error.message}`);
        throw refusal(error, params.path);
      }
    });
}
