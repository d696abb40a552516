/** Reading agents' JSON-RPC errors. */

/** The error's message plus its JSON-RPC `data` (where agents put the actual reason). */
export function messageOf(error: unknown): string {
  const message =
    error instanceof Error ? error.message : typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error);
  if (typeof error !== "object" || error === null || !("data" in error) || error.data == null) return message;
  const data = error.data;
  const detail = typeof data === "string" ? data : typeof data === "object" && "details" in data ? String(data.details) : JSON.stringify(data);
  return detail && !message.includes(detail) ? `${message}: ${detail.slice(0, 500)}` : message;
}
