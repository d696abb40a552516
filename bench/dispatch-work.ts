/**
 * What the orchestration benches run: an Engine plus ways to create a chain of N no-op
 * steps and M independent no-op steps. Two implementations: the real engine with the demo
 * backend (when lib/engine provides it) and the dispatcher's test engine (SQL-only
 * advanceRun), so the report says which one was measured.
 */
import type { Db } from "../lib/db/client";
import type { Engine } from "../lib/engine/contract";
import { insertRun } from "../lib/dispatch/testing/fixtures";
import { createTestEngine } from "../lib/dispatch/testing/test-engine";

export interface BenchWork {
  label: string;
  engine: Engine;
  /** Creates (and readies the first step of) a chain; resolves to the last step's key. */
  createChain(db: Db, length: number): Promise<{ runId: string; lastKey: string }>;
  /** Creates `count` independent ready steps (possibly spread over several runs). */
  createIndependent(db: Db, count: number): Promise<string[]>;
}

export function testEngineWork(): BenchWork {
  return {
    label: "dispatcher test engine (SQL advanceRun), no-op steps",
    engine: createTestEngine(),
    async createChain(db, length) {
      const steps = Array.from({ length }, (_, i) => ({ key: `c${i}`, dependsOn: i === 0 ? [] : [`c${i - 1}`] }));
      const { runId } = await insertRun(db.orm, steps);
      return { runId, lastKey: `c${length - 1}` };
    },
    async createIndependent(db, count) {
      const perRun = 20;
      const runIds: string[] = [];
      for (let made = 0; made < count; made += perRun) {
        const n = Math.min(perRun, count - made);
        const { runId } = await insertRun(db.orm, Array.from({ length: n }, (_, i) => ({ key: `p${i}` })));
        runIds.push(runId);
      }
      return runIds;
    },
  };
}
