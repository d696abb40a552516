/**
 * Hands an agent's draft from the flows page to the designer of the flow created to hold it:
 * kept in the tab's sessionStorage under the flow's id, taken (read and removed) once by the
 * designer, which shows it unsaved. After that the designer's own unsaved-work copy
 * (local-draft.ts) keeps it across reloads like any other edit.
 */
const KEY_PREFIX = "baton.agent-draft.";

export function stashAgentDraft<T>(storage: Storage, flowId: string, draft: T): void {
  storage.setItem(KEY_PREFIX + flowId, JSON.stringify(draft));
}

export function takeAgentDraft<T>(storage: Storage, flowId: string): T | null {
  const text = storage.getItem(KEY_PREFIX + flowId);
  if (text === null) return null;
  storage.removeItem(KEY_PREFIX + flowId);
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}
