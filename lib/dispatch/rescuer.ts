/**
 * The rescuer: a maintenance service, separate from the worker, that runs rescue-expired.
 *
 * `runOnce()` does one sweep (tests call it directly); `start()` ticks it every
 * `intervalMs` until `stop()`. Every worker process may run one: rescue-expired locks with
 * SKIP LOCKED, so concurrent rescuers split the expired rows instead of double-rescuing.
 * A sweep that fails (database down) is logged and retried on the next tick.
 */
import type { Db } from "../db/client";
import type { Engine } from "../engine/contract";
import { rescueExpired, type RescueResult } from "./rescue-expired";
import { briefError } from "./brief-error";

export interface RescuerOptions {
  db: Db;
  engine: Engine;
  intervalMs?: number;
  log?: (message: string, error?: unknown) => void;
}

export class Rescuer {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<unknown> | null = null;

  constructor(private readonly options: RescuerOptions) {}

  /** One sweep; repeats while full batches come back so a backlog clears in one call. */
  async runOnce(): Promise<RescueResult> {
    const total: RescueResult = { retried: [], ended: [] };
    for (;;) {
      const batch = await rescueExpired(this.options.db.orm, this.options.engine, 100);
      total.retried.push(...batch.retried);
      total.ended.push(...batch.ended);
      if (batch.retried.length + batch.ended.length < 100) return total;
    }
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.sweeping) return;
      this.sweeping = this.runOnce()
        .catch((error: unknown) => (this.options.log ?? console.error)(`[baton rescuer] sweep failed: ${briefError(error)}`))
        .finally(() => {
          this.sweeping = null;
        });
    }, this.options.intervalMs ?? 5_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.sweeping) await this.sweeping;
  }
}
