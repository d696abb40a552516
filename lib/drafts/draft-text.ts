/**
 * The words of the draft loop (pure): what the drafting agent is asked, how its problems are
 * fed back, how a flow document and a summary are read out of its answer.
 */
import type { ValidationIssue } from "../flow/validate";

export interface DraftRequest {
  task: string;
  /** The repository the flow is meant for (only described to the agent; nothing runs). */
  repo?: string;
  /** The agent can call describe_flow_format and validate_flow during its turn (draft-tools.ts). */
  tools?: boolean;
}

const TOOLS_NOTE = `Baton gives you two tools (their names may carry a prefix such as mcp__baton__): validate_flow {document} checks a draft exactly as saving it will and lists every problem with its path; describe_flow_format repeats the format below. Validate your draft with validate_flow and fix every problem it lists before you answer.`;

const ANSWER_FORMAT = `Answer with the complete flow document as one JSON object inside a \`\`\`json code block, then one short paragraph starting with "Summary:" that tells a person what the flow does, step by step.`;

export function firstPrompt(formatText: string, request: DraftRequest): string {
  return [
    "You design Baton flows: a deterministic engine runs the flow you write, calling coding agents only for the steps you define. Write a flow for the task below. Do not carry out the task yourself.",
    "",
    `Task: ${request.task}`,
    ...(request.repo ? [`The flow will run on the git repository ${request.repo}; code steps (workspace "code") work in worktrees of it.`] : []),
    "",
    ...(request.tools ? [TOOLS_NOTE, ""] : []),
    ANSWER_FORMAT,
    "",
    formatText,
  ].join("\n");
}

/** Self-contained (agents are run afresh each attempt): the task, the previous draft, every problem. */
export function repairPrompt(formatText: string, request: DraftRequest, previous: string, problems: string[]): string {
  return [
    "You design Baton flows. Your previous draft of a flow for the task below was refused by Baton's validator. Fix every problem and send the whole corrected document.",
    "",
    `Task: ${request.task}`,
    ...(request.repo ? [`The flow will run on the git repository ${request.repo}.`] : []),
    "",
    "Your previous answer:",
    previous,
    "",
    `Problems (${problems.length}):`,
    ...problems.map((problem) => `- ${problem}`),
    "",
    ...(request.tools ? [TOOLS_NOTE, ""] : []),
    ANSWER_FORMAT,
    "",
    formatText,
  ].join("\n");
}

export const issueText = (issue: Pick<ValidationIssue, "path" | "message">) => `${issue.path}: ${issue.message}`;

export type ExtractedDraft = { ok: true; document: unknown; summary: string | null } | { ok: false; problem: string };

/**
 * The document is the first ```json block (or ``` block) that parses, else the outermost
 * {…} of the answer; the summary is what follows "Summary:".
 */
export function extractDraft(answer: string): ExtractedDraft {
  const summaryMatch = /summary:\s*([\s\S]+)$/i.exec(answer.replace(/```[\s\S]*?```/g, ""));
  const summary = summaryMatch ? summaryMatch[1].trim().slice(0, 2000) : null;
  const candidates: string[] = [];
  for (const block of answer.matchAll(/```(?:json)?\s*\n([\s\S]*?)```/gi)) candidates.push(block[1]);
  const start = answer.indexOf("{");
  const end = answer.lastIndexOf("}");
  if (start >= 0 && end > start) candidates.push(answer.slice(start, end + 1));
  let lastError = "the answer holds no JSON object";
  for (const candidate of candidates) {
    try {
      const document = JSON.parse(candidate) as unknown;
      if (typeof document === "object" && document !== null && !Array.isArray(document)) return { ok: true, document, summary };
      lastError = "the JSON is not an object";
    } catch (error) {
      lastError = `the JSON does not parse (${error instanceof Error ? error.message : String(error)})`;
    }
  }
  return { ok: false, problem: `(answer): ${lastError}; send the flow document as one JSON object in a \`\`\`json block` };
}

/** A summary when the agent gave none: the steps in document order. */
export function fallbackSummary(document: { nodes?: Array<{ id?: unknown; kind?: unknown }> }): string {
  const nodes = document.nodes ?? [];
  return `${nodes.length} step${nodes.length === 1 ? "" : "s"}: ${nodes.map((node) => `${String(node.id)} (${String(node.kind)})`).join(", ")}`;
}
