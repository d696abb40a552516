/**
 * A hand-written statement rendered to SQL text once and sent to the driver directly.
 *
 * Why: for each execution drizzle renders a template's text (walking every nested fragment)
 * and passes it through its session layer; for the dispatcher's one-statement completion
 * that cost about as much as the statement's execution on the server. `compiled(build)`
 * renders the text once, with a placeholder per named value; each execution pairs the
 * text's parameters with the values and hands both to the pg Pool or PGlite.
 *
 * Invariants:
 * - `build` is a pure function of its placeholders: one text serves every call. Constants
 *   inside it (not placeholders) keep the value they were rendered with.
 * - A compiled statement runs on its own (autocommit), never inside a drizzle transaction.
 * - On the pg Pool it goes through PreparingClient like every parameterised query (a named
 *   prepared statement per connection). Rows are the driver's: timestamps may arrive as
 *   Date objects (pg) where drizzle would give strings; step-row's mappers accept both.
 */
import { Placeholder, sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { Db } from "./client";

const dialect = new PgDialect();

type Placeholders<V> = { readonly [K in keyof V]: Placeholder<K & string> };

interface Shape {
  text: string;
  /** Per $n, in order: the value's name, or the constant rendered into the statement. */
  params: Array<{ name: string } | { value: unknown }>;
}

export interface Compiled<V> {
  rows<T>(db: Db, values: V): Promise<T[]>;
}

export function compiled<V extends Record<string, unknown>>(build: (p: Placeholders<V>) => SQL): Compiled<V> {
  let shape: Shape | undefined;
  return {
    async rows<T>(db: Db, values: V): Promise<T[]> {
      shape ??= compile(build);
      const params = shape.params.map((param) => ("name" in param ? values[param.name] : param.value));
      if (db.pool) return (await db.pool.query({ text: shape.text, values: params })).rows as T[];
      if (db.pglite) return (await db.pglite.query<T>(shape.text, params)).rows;
      throw new Error("compiled statement: the database has neither a pool nor PGlite");
    },
  };
}

function compile<V>(build: (p: Placeholders<V>) => SQL): Shape {
  const placeholders = new Proxy({} as Placeholders<V>, { get: (_target, name) => sql.placeholder(String(name)) });
  const query = dialect.sqlToQuery(build(placeholders));
  return {
    text: query.sql,
    params: query.params.map((param) => (param instanceof Placeholder ? { name: param.name } : { value: param })),
  };
}
