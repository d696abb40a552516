/**
 * Answers `session/request_permission` by the profile's policy. Pure: the caller resolves the
 * tool call's locations (real paths) first and passes whether each is inside the worktree.
 *
 * Options are chosen by `kind`, never by `optionId`: ids differ per agent
 * ("proceed_once", "allow-once", …) while kinds are fixed by the protocol. Baton prefers the
 * *once* variants so a single decision never widens what later calls may do.
 */
export type PermissionPolicy = "worktree" | "allow" | "deny";
export type PermissionKind = "allow_once" | "allow_always" | "reject_once" | "reject_always";

export interface PermissionOptionLike {
  optionId: string;
  kind: string;
}

export type PermissionAnswer = { outcome: { outcome: "selected"; optionId: string } } | { outcome: { outcome: "cancelled" } };

const ALLOW_ORDER: PermissionKind[] = ["allow_once", "allow_always"];
const REJECT_ORDER: PermissionKind[] = ["reject_once", "reject_always"];

/**
 * `worktree` (the default) allows a tool call only when it names at least one location and
 * every location lies inside the worktree; a call with no locations (a shell command, a
 * fetch) can't be shown to be confined, so it is denied.
 */
export function decideAllow(policy: PermissionPolicy, locationsInside: boolean[]): boolean {
  if (policy === "allow") return true;
  if (policy === "deny") return false;
  return locationsInside.length > 0 && locationsInside.every(Boolean);
}

/**
 * Picks the option for a decision. When the agent offers no option of the wanted family, a
 * denial falls back to `cancelled` (never to an allow option); an allow with no allow
 * option is also answered `cancelled`.
 */
export function chooseOption(allow: boolean, options: PermissionOptionLike[]): PermissionAnswer {
  for (const kind of allow ? ALLOW_ORDER : REJECT_ORDER) {
    const option = options.find((o) => o.kind === kind);
    if (option) return { outcome: { outcome: "selected", optionId: option.optionId } };
  }
  return { outcome: { outcome: "cancelled" } };
}

/**
 * A request to call a tool of the task's own MCP server (the drafting tools: Baton's own,
 * read-only) is allowed whatever the policy. Agents name such calls in their own way — Gemini
 * CLI titles one "validate_flow (baton MCP Server)" with an id "mcp_baton_validate_flow…",
 * Claude Code and qwen-code use "mcp__baton__validate_flow" — and the match is exact on the
 * title or a prefix of the id: both are the agent's, never text the model chose (a shell
 * command's title is its command line, so "contains" would let one through).
 */
export function isOwnMcpTool(toolCall: { toolCallId: string; title?: string | null }, own: { server: string; tools: readonly string[] }): boolean {
  return ownMcpToolName(toolCall, own) !== null;
}

/** Which of the task's own MCP tools a tool call is (the rule above), or null. */
export function ownMcpToolName(toolCall: { toolCallId: string; title?: string | null }, own: { server: string; tools: readonly string[] }): string | null {
  return (
    own.tools.find((tool) => {
      const ids = [`mcp_${own.server}_${tool}`, `mcp__${own.server}__${tool}`];
      return toolCall.title === `${tool} (${own.server} MCP Server)` || ids.includes(toolCall.title ?? "") || ids.some((id) => toolCall.toolCallId === id || toolCall.toolCallId.startsWith(`${id}_`));
    }) ?? null
  );
}
