/**
 * What no value from outside may carry, whatever field it is in: checked once where values
 * enter (request bodies, route params and query strings in lib/http, MCP tool arguments),
 * so no route or tool has to remember it per field.
 *
 * - NUL (U+0000): Postgres text and jsonb can't hold it (22021 / 22P05), so it would fail
 *   a write half-way instead of being refused up front.
 * - A lone surrogate (U+D800–U+DFFF unpaired): not Unicode; jsonb refuses its escape and
 *   UTF-8 can't encode it (it would silently become U+FFFD in a text column).
 * - Nesting deeper than MAX_JSON_DEPTH: nothing Baton accepts is that deep, and recursive
 *   readers (zod, JSON.stringify, Postgres's jsonb parser) overflow their stacks on it.
 *
 * Object keys are checked like strings. Pure, and iterative (a hostile depth can't
 * overflow this walk either).
 */

export const MAX_JSON_DEPTH = 64;

export interface JsonProblem {
  /** Where, in the zod-style notation issues use: "nodes[2].config.prompt", "inputs.task". */
  path: string;
  message: string;
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a string can't be stored, or null. */
export function stringProblem(text: string): string | null {
  if (text.includes("\u0000")) return "contains a NUL character (\\u0000)";
  if (LONE_SURROGATE.test(text)) return "contains a lone surrogate (invalid Unicode)";
  return null;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function childPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  if (IDENTIFIER.test(key)) return parent ? `${parent}.${key}` : key;
  // JSON.stringify escapes NUL and lone surrogates, so the path itself prints safely.
  return `${parent}[${JSON.stringify(key)}]`;
}

/** The first problem in a parsed JSON value (depth-first, in document order), or null. */
export function jsonProblem(value: unknown, base = ""): JsonProblem | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: base, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item.value === "string") {
      const problem = stringProblem(item.value);
      if (problem) return { path: item.path || "(root)", message: problem };
      continue;
    }
    if (item.value === null || typeof item.value !== "object") continue;
    if (item.depth >= MAX_JSON_DEPTH) {
      return { path: item.path || "(root)", message: `nests deeper than ${MAX_JSON_DEPTH} levels` };
    }
    const entries: Array<[string | number, unknown]> = Array.isArray(item.value) ? item.value.map((v, i) => [i, v]) : Object.entries(item.value);
    for (const [key] of entries) {
      if (typeof key !== "string") continue;
      const problem = stringProblem(key);
      if (problem) return { path: childPath(item.path, key), message: `key ${problem}` };
    }
    // Reversed, so the walk visits children in document order.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i];
      stack.push({ value: child, path: childPath(item.path, key), depth: item.depth + 1 });
    }
  }
  return null;
}
