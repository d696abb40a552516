/** Parses the text of a JSON-object field: empty text is "not set"; anything else must be a JSON object. Pure. */
export type JsonObjectParse = { ok: true; value: Record<string, unknown> | undefined } | { ok: false; error: string };

export function parseJsonObject(text: string): JsonObjectParse {
  if (!text.trim()) return { ok: true, value: undefined };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not valid JSON (${(error as Error).message})` };
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return { ok: false, error: "must be a JSON object, like {\"delayMs\": 200}" };
  return { ok: true, value: parsed as Record<string, unknown> };
}
