/**
 * The only module that opens database connections.
 *
 * Two drivers, one drizzle schema:
 * - PGlite (embedded default): Postgres in WASM, one instance per data dir per process.
 * - A Postgres server when DATABASE_URL is set: a pg Pool, plus one dedicated LISTEN client
 *   opened by the notifier (lib/db/notify.ts).
 *
 * Invariants:
 * - Nothing connects at import time (`next build` imports route modules), and `getDb()`
 *   refuses during `next build`; it opens lazily and caches the promise on globalThis,
 *   because Next's dev server and HMR evaluate modules more than once and PGlite must not be
 *   opened twice on one data dir.
 * - A PGlite data dir is locked for the process that opened it (data-dir-lock.ts): a second
 *   process fails fast naming the holder instead of silently losing writes. The lock goes
 *   with `close()` (or the process).
 * - Every query function in lib/ takes a `Db` as its first argument, so tests pass their
 *   own (a fresh PGlite or a throwaway Postgres schema) and production the shared one.
 */
import path from "node:path";
import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { SQL } from "drizzle-orm";
import * as schema from "./schema";
import { lockDataDirOrThrow } from "./data-dir-lock";
import { migrateOrThrow } from "./migrate";
import { PreparingClient } from "./preparing-client";

export type Schema = typeof schema;
export type Orm = PgDatabase<PgQueryResultHKT, Schema>;

/** A drizzle database or transaction: anything that can run a query. */
export type Executor = Pick<Orm, "execute" | "select" | "insert" | "update" | "delete" | "query">;

export interface Db {
  readonly driver: "pglite" | "postgres";
  readonly orm: Orm;
  /** Raw handles for the notifier and the benches; query code uses `orm`. */
  readonly pglite?: PGlite;
  readonly pool?: pg.Pool;
  /** The connection string, when on a Postgres server (the notifier opens its own client). */
  readonly url?: string;
  close(): Promise<void>;
}

/** Runs hand-written SQL and returns its rows, on either driver. */
export async function rows<T>(executor: Pick<Orm, "execute">, query: SQL): Promise<T[]> {
  const result = (await executor.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

export function dataDir(): string {
  // turbopackIgnore: a run-time path, not a file of the app; without it the build traces the whole project.
  return path.resolve(/*turbopackIgnore: true*/ process.env.BATON_DATA_DIR ?? ".baton");
}

export interface OpenOptions {
  /** Postgres connection string; absent → PGlite in `dataDir`. */
  url?: string;
  /** PGlite directory; `memory://` for an in-memory database. */
  dataDir?: string;
  poolSize?: number;
  migrate?: boolean;
}

export async function openDb(options: OpenOptions = {}): Promise<Db> {
  const db = options.url ? await openPostgres(options.url, options) : await openPglite(options);
  if (options.migrate !== false) {
    try {
      await migrateOrThrow(db);
    } catch (error) {
      // A retry (getDb's next call) must find the data dir unlocked.
      await db.close().catch(() => {});
      throw error;
    }
  }
  return db;
}

async function openPglite(options: OpenOptions): Promise<Db> {
  const dir = options.dataDir ?? path.join(dataDir(), "pgdata");
  if (dir.startsWith("memory://")) return pgliteDb(await PGlite.create(dir), async () => {});
  fs.mkdirSync(dir, { recursive: true });
  const lock = await lockDataDirOrThrow(dir);
  try {
    return pgliteDb(await PGlite.create(dir), () => lock.release());
  } catch (error) {
    await lock.release();
    throw error;
  }
}

function pgliteDb(client: PGlite, unlock: () => Promise<void>): Db {
  const orm = drizzlePglite(client, { schema }) as unknown as Orm;
  return {
    driver: "pglite",
    orm,
    pglite: client,
    async close() {
      try {
        await client.close();
      } finally {
        await unlock();
      }
    },
  };
}

async function openPostgres(url: string, options: OpenOptions): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: url,
    // Parameterised queries become per-connection prepared statements (preparing-client.ts).
    Client: PreparingClient,
    max: options.poolSize ?? 10,
    // A restarted server must not leave the pool holding dead sockets forever.
    idleTimeoutMillis: 10_000,
    connectionTimeoutMillis: 10_000,
  });
  // Without a listener an idle client's socket error would crash the process
  // (e.g. when Postgres restarts); the pool drops the client and reconnects on demand.
  pool.on("error", () => {});
  // pg-pool listens only on idle clients; a checked-out client (mid-transaction) whose
  // socket dies would emit an unhandled 'error'. The failure still reaches the caller
  // through its pending query, and the pool discards the broken client on release.
  pool.on("connect", (client) => client.on("error", () => {}));
  const orm = drizzlePg(pool, { schema }) as unknown as Orm;
  return {
    driver: "postgres",
    orm,
    pool,
    url,
    close: () => pool.end(),
  };
}

type Shared = { db?: Promise<Db> };
const shared = globalThis as unknown as { __batonDb?: Shared };

/** The process-wide database, opened (and migrated) on first use. */
export function getDb(): Promise<Db> {
  if (process.env.NEXT_PHASE === "phase-production-build") {
    // Nothing renders from the database at build time; opening it would lock a data dir a
    // running server may hold.
    return Promise.reject(new Error("the database is not opened during next build"));
  }
  const holder = (shared.__batonDb ??= {});
  if (!holder.db) {
    holder.db = openDb({ url: process.env.DATABASE_URL || undefined }).catch((error: unknown) => {
      holder.db = undefined;
      throw error;
    });
  }
  return holder.db;
}
