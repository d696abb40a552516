/**
 * Hands an agent's draft from the flows page to the designer of a flow that doesn't exist yet
 * (/flows/new): kept in the tab's sessionStorage until the designer saves it as a new flow
 * (which clears it) or another draft replaces it. Nothing is written to the server before that
 * Save, so a draft that is never saved leaves no flow behind. Read, not taken: a reload of
 * /flows/new opens the same draft again.
 */
const KEY = "baton.agent-draft.new-flow";

export function stashNewFlowDraft<T>(storage: Storage, draft: T): void {
  storage.setItem(KEY, JSON.stringify(draft));
}

/** The draft waiting for /flows/new, or null (none, or unreadable). */
export function readNewFlowDraft<T>(storage: Storage): T | null {
  const text = storage.getItem(KEY);
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

export function clearNewFlowDraft(storage: Storage): void {
  storage.removeItem(KEY);
}
