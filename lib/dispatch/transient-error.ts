/**
 * Pure: is this error the database connection going away (server restart, terminated
 * backend, network) rather than something the step did? Walks the `cause` chain, since
 * drizzle wraps driver errors.
 *
 * SQLSTATE classes: 08 (connection exception), 57P01–57P03 (admin shutdown, crash
 * shutdown, cannot connect now).
 */
const TRANSIENT_MESSAGES = [
  "Connection terminated",
  "connection error",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "timeout exceeded when trying to connect",
];

export function isTransientDatabaseError(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 8; depth++) {
    if (typeof current !== "object") return false;
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === "string" && (code.startsWith("08") || /^57P0[123]$/.test(code) || TRANSIENT_MESSAGES.includes(code))) {
      return true;
    }
    if (typeof message === "string" && TRANSIENT_MESSAGES.some((m) => message.includes(m))) return true;
    current = cause;
  }
  return false;
}
