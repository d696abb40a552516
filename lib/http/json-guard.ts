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

interface Frame {
  value: unknown;
  parent: Frame | null;
  key: string | number;
  depth: number;
}

/** A frame's path, built only once a problem is found (most bodies have none). */
function pathOf(frame: Frame, base: string): string {
  const keys: Array<string | number> = [];
  for (let at: Frame | null = frame; at?.parent; at = at.parent) keys.push(at.key);
  return keys.reverse().reduce<string>(childPath, base) || "(root)";
}

/** The first problem in a parsed JSON value (depth-first, in document order), or null. */
export function jsonProblem(value: unknown, base = ""): JsonProblem | null {
  const stack: Frame[] = [{ value, parent: null, key: "", depth: 0 }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const current = frame.value;
    if (typeof current === "string") {
      const problem = stringProblem(current);
      if (problem) return { path: pathOf(frame, base), message: problem };
      continue;
    }
    if (current === null || typeof current !== "object") continue;
    if (frame.depth >= MAX_JSON_DEPTH) return { path: pathOf(frame, base), message: `nests deeper than ${MAX_JSON_DEPTH} levels` };
    const depth = frame.depth + 1;
    // Pushed in reverse, so the walk visits children in document order.
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], parent: frame, key: i, depth });
      continue;
    }
    const keys = Object.keys(current);
    for (const key of keys) {
      const problem = stringProblem(key);
      if (problem) return { path: pathOf({ value: null, parent: frame, key, depth }, base), message: `key ${problem}` };
    }
    for (let i = keys.length - 1; i >= 0; i--) stack.push({ value: (current as Record<string, unknown>)[keys[i]], parent: frame, key: keys[i], depth });
  }
  return null;
}
