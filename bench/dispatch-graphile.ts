/**
 * The same chain as graphile-worker jobs on the same server: each job enqueues the next
 * (through the helpers of the running job, i.e. in graphile's normal way); per-step time =
 * wall time from enqueueing job 0 to job N−1's handler returning, ÷ N. Schema install is
 * excluded (done before timing), and a short chain runs first to warm the JIT, as for the
 * Baton chain. Same concurrency (4) as the Baton chain.
 */
import pg from "pg";
import { Logger, makeWorkerUtils, run } from "graphile-worker";

export async function measureGraphileChain(url: string, length: number, warmup = 20): Promise<{ totalMs: number; perStepMs: number }> {
  const quiet = new Logger(() => () => {});
  // Our own pool, so it can be ended (and its errors ignored) before the database is dropped.
  const pgPool = new pg.Pool({ connectionString: url, max: 10 });
  pgPool.on("error", () => {});
  pgPool.on("connect", (client) => client.on("error", () => {}));
  let lastDone: (() => void) | null = null;
  try {
    const runner = await run({
      pgPool,
      concurrency: 4,
      noHandleSignals: true,
      pollInterval: 1_000,
      logger: quiet,
      taskList: {
        chain: async (payload, helpers) => {
          const { n, total } = payload as { n: number; total: number };
          if (n + 1 < total) await helpers.addJob("chain", { n: n + 1, total });
          else lastDone?.();
        },
      },
    });
    const utils = await makeWorkerUtils({ pgPool, logger: quiet });
    const chain = async (total: number) => {
      const finished = new Promise<void>((resolve) => (lastDone = resolve));
      const started = performance.now();
      await utils.addJob("chain", { n: 0, total });
      await finished;
      return performance.now() - started;
    };
    if (warmup > 0) await chain(warmup);
    await pgPool.query("analyze"); // as for the Baton chain
    const totalMs = await chain(length);
    await utils.release();
    await runner.stop();
    return { totalMs, perStepMs: totalMs / length };
  } finally {
    await pgPool.end();
  }
}
