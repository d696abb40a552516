/**
 * "Draft with an agent": the agent writes a flow document from the format description; Baton
 * validates each draft exactly as saving would and feeds every problem back, up to
 * `maxAttempts` drafts, before a person sees the result. Nothing is saved or run here: the
 * draft goes to the designer unsaved. The agent and the validator are injected (pure loop).
 */
import { DEFAULT_DRAFT_ATTEMPTS, MAX_DRAFT_ATTEMPTS, type DraftProgress } from "../contract/draft";
import type { ValidationIssue, ValidationResult } from "../flow/validate";
import { extractDraft, fallbackSummary, firstPrompt, issueText, repairPrompt, type DraftRequest } from "./draft-text";

export { DEFAULT_DRAFT_ATTEMPTS, MAX_DRAFT_ATTEMPTS, type DraftProgress };

/** The loop's own progress events: a round asked, a round's draft checked. */
export type LoopProgress = Extract<DraftProgress, { type: "asking" | "checked" }>;

export interface DraftAttempt {
  /** Problems found in this attempt's draft (empty: it was valid). */
  problems: string[];
}

export interface DraftResult {
  /** The last draft that parsed as JSON (valid or not), or null if none did. */
  document: unknown | null;
  valid: boolean;
  /** The last draft's problems, with paths (empty when valid). */
  issues: ValidationIssue[];
  summary: string;
  attempts: DraftAttempt[];
}

export interface DraftDeps {
  formatText: string;
  /** One agent turn for draft `attempt` (1-based): its answer. */
  ask(prompt: string, attempt: number): Promise<string>;
  validate(document: unknown): Promise<ValidationResult>;
  maxAttempts?: number;
  /** Told when an attempt is asked and when its draft was checked (the loop's own events). */
  onProgress?(progress: LoopProgress): void;
}

export async function draftFlow(request: DraftRequest, deps: DraftDeps): Promise<DraftResult> {
  const maxAttempts = Math.min(Math.max(deps.maxAttempts ?? DEFAULT_DRAFT_ATTEMPTS, 1), MAX_DRAFT_ATTEMPTS);
  const attempts: DraftAttempt[] = [];
  let prompt = firstPrompt(deps.formatText, request);
  let best: Omit<DraftResult, "attempts"> = { document: null, valid: false, issues: [], summary: "The agent did not answer with a flow document." };
  for (let i = 0; i < maxAttempts; i++) {
    deps.onProgress?.({ type: "asking", attempt: i + 1, maxAttempts });
    const answer = await deps.ask(prompt, i + 1);
    const extracted = extractDraft(answer);
    let problems: string[];
    if (!extracted.ok) {
      problems = [extracted.problem];
    } else {
      const checked = await deps.validate(extracted.document);
      problems = checked.issues.map(issueText);
      best = {
        document: checked.ok ? checked.flow : extracted.document,
        valid: checked.ok,
        issues: checked.issues,
        summary: extracted.summary ?? fallbackSummary(extracted.document as { nodes?: Array<{ id?: unknown; kind?: unknown }> }),
      };
    }
    attempts.push({ problems });
    deps.onProgress?.({ type: "checked", attempt: i + 1, maxAttempts, problems });
    if (problems.length === 0) break;
    prompt = repairPrompt(deps.formatText, request, answer, problems);
  }
  return { ...best, attempts };
}
