/**
 * Keeps a Postgres server restart (or pg_terminate_backend) from crashing the process.
 *
 * pg-pool listens for 'error' only on IDLE clients. A client that is checked out between
 * two queries (inside a transaction, while the engine's advanceRun computes) has no
 * listener, so the server closing its socket emits an unhandled 'error' and Node exits.
 * Every client the pool creates gets a no-op listener here; the failure still reaches the
 * caller through its next query, and pg-pool discards the broken client on release
 * (it is no longer queryable). Idempotent per pool.
 */
import type pg from "pg";
import type { Db } from "../db/client";

const guardedPools = new WeakSet<pg.Pool>();
const guardedClients = new WeakSet<pg.PoolClient>();

function guard(client: pg.PoolClient): void {
  if (guardedClients.has(client)) return;
  guardedClients.add(client);
  client.on("error", () => {});
}

export function guardPoolClients(db: Db): void {
  const pool = db.pool;
  if (!pool || guardedPools.has(pool)) return;
  guardedPools.add(pool);
  // "acquire" also covers clients created before the guard was installed.
  pool.on("connect", guard);
  pool.on("acquire", guard);
}
