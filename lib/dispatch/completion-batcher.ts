/**
 * Group commit for a worker's completions: while one completion transaction is in flight,
 * completions that arrive queue up and are written together in the next one.
 *
 * Why: each completion is a write transaction ending in a WAL flush, and per statement the
 * round trip costs more than the work; a worker whose slots finish at about the same time
 * pays one transaction for all of them instead of one each.
 *
 * Invariants:
 * - A lone completion is written at once: batching never waits for company, so a chain of
 *   steps gets no added latency.
 * - At most one batch per worker is in flight; results resolve in submission order.
 * - A batch that throws is retried one completion at a time, so one bad input (or a
 *   deadlock victim) cannot fail its neighbours; each single failure rejects only its own
 *   submitter, who retries (Worker.completeWithRetry).
 */
import type { CompleteStepInput, CompleteStepResult } from "./complete-step";

export const MAX_BATCH = 32;

interface Pending {
  input: CompleteStepInput;
  resolve(result: CompleteStepResult): void;
  reject(error: unknown): void;
}

export type CompleteMany = (inputs: readonly CompleteStepInput[]) => Promise<CompleteStepResult[]>;

export class CompletionBatcher {
  private queue: Pending[] = [];
  private flushing = false;
  /** Batches written (for tests and diagnostics). */
  batches = 0;

  constructor(private readonly completeMany: CompleteMany) {}

  submit(input: CompleteStepInput): Promise<CompleteStepResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        this.batches += 1;
        try {
          const results = await this.completeMany(batch.map((p) => p.input));
          batch.forEach((p, i) => p.resolve(results[i]));
        } catch (error) {
          if (batch.length === 1) batch[0].reject(error);
          else for (const p of batch) await this.completeMany([p.input]).then(([r]) => p.resolve(r), p.reject);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
