/** Pure: one log line for an error; drizzle wraps driver errors with the whole SQL text. */
export function briefError(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : null;
  if (cause) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
