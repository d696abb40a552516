/**
 * A pg Client that turns every parameterised query into a named prepared statement.
 *
 * Why: drizzle sends each query as an unnamed statement, so Postgres parses and plans it on
 * every execution. On the dispatcher's hot path (claim, completion, advance: a handful of
 * statements per step) parse + bind measured about half of the server's CPU per step. A
 * named statement is parsed once per connection, and after a few executions Postgres may
 * switch to a cached generic plan.
 *
 * Invariants:
 * - One name per distinct SQL text per connection (names are connection-scoped in Postgres,
 *   and so is this map: a reconnect is a new Client with an empty map).
 * - Only queries with parameters are named: a parameterless query keeps the simple
 *   protocol, which is what lets migrations send several statements in one string.
 * - At most MAX_STATEMENTS texts per connection get names; texts past the cap run unnamed
 *   as before, so SQL built with a varying shape cannot grow a connection without bound.
 */
import pg from "pg";

const MAX_STATEMENTS = 500;

type QueryConfigLike = { text?: unknown; name?: unknown; values?: unknown; queryMode?: unknown };

export class PreparingClient extends pg.Client {
  private readonly names = new Map<string, string>();

  // The overloads of pg's query() are many; every form is passed through untouched except
  // a config object with parameters, which gains a statement name.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const [config, values] = args as [unknown, unknown];
    if (config && typeof config === "object" && typeof (config as QueryConfigLike).text === "string") {
      const c = config as QueryConfigLike & { text: string };
      const params = Array.isArray(values) ? values : c.values;
      if (!c.name && c.queryMode === undefined && Array.isArray(params) && params.length > 0) {
        const name = this.nameFor(c.text);
        if (name) args[0] = { ...c, name };
      }
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return (super.query as (...a: any[]) => any)(...args);
  }

  private nameFor(text: string): string | undefined {
    const known = this.names.get(text);
    if (known) return known;
    if (this.names.size >= MAX_STATEMENTS) return undefined;
    const name = `baton_${this.names.size + 1}`;
    this.names.set(text, name);
    return name;
  }

  /** For tests: how many statements this connection has named. */
  get preparedCount(): number {
    return this.names.size;
  }
}
