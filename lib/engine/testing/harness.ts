/**
 * Test harness for engine and Run API tests: a migrated database (PGlite or a throwaway
 * Postgres database) with the default profiles, and the real dispatcher Worker running the
 * real engine, in manual mode (`drain`) or loop mode (`startLoop`).
 * close() waits for the engine's background work before closing the database (background-work.ts).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Db } from "../../db/client";
import { closeNotifier } from "../../db/notify";
import { Worker } from "../../dispatch/worker";
import { insertMissingProfiles } from "../../profiles/repository";
import { DEFAULT_PROFILES } from "../../profiles/defaults";
import { openTestPglite, openTestPostgres } from "../../testing/postgres";
import { createFlowOrThrow } from "../../flows/service";
import { getRunOrThrow, type RunDetail } from "../../runs/queries";
import type { Engine } from "../contract";
import { trackBackgroundWork } from "./background-work";
import type { GitSharing } from "../../git/repo-map";

export type Driver = "pglite" | "postgres";

export interface Harness {
  db: Db;
  dataDir: string;
  /** The engine its workers run; a test's own Worker takes it too, so close() waits for its background work. */
  engine: Engine;
  createFlow(document: unknown): Promise<string>;
  /** Manual mode: run claims until nothing is ready, then the run as it stands. */
  drain(runId: string): Promise<RunDetail>;
  /** Loop mode (heartbeats, cancel requests, NOTIFY): stop() when done. */
  startLoop(): Promise<Worker>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** The workers' repository map and lineage remote (lib/git/repo-map.ts). */
  git?: GitSharing;
}

export async function openHarness(driver: Driver, options: HarnessOptions = {}): Promise<Harness> {
  const db = driver === "pglite" ? await openTestPglite() : await openTestPostgres();
  await insertMissingProfiles(db.orm, DEFAULT_PROFILES);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `baton-engine-${driver}-`));
  const git = options.git ? { git: options.git } : {};
  const { engine, settled } = trackBackgroundWork();
  const manual = new Worker({ db, engine, mode: "standalone", concurrency: 4, dataDir, log: () => {}, ...git });
  const loops: Worker[] = [];
  return {
    db,
    dataDir,
    engine,
    async createFlow(document) {
      return (await createFlowOrThrow(db, document)).id;
    },
    async drain(runId) {
      while ((await manual.runOnce()) > 0) {
        // keep claiming: each completion may have readied more steps
      }
      return getRunOrThrow(db.orm, runId);
    },
    async startLoop() {
      const worker = new Worker({
        db,
        engine,
        mode: "standalone",
        concurrency: 4,
        dataDir,
        pollIntervalMs: 50,
        heartbeatIntervalMs: 50,
        log: () => {},
        ...git,
      });
      loops.push(worker);
      await worker.start();
      return worker;
    },
    async close() {
      for (const worker of loops) if (worker.state === "running") await worker.stop(0);
      await settled();
      await closeNotifier(db);
      await db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function waitFor<T>(check: () => Promise<T | undefined | null | false>, label: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
