/**
 * The per-attempt event buffer between `context.emit` and append-events.
 *
 * Invariants:
 * - Emission order is kept: events are appended in the order emitted; consecutive text
 *   (or thought) chunks are merged into one event, never reordered around other events.
 * - One append in flight per step at a time, so batches land in order.
 * - `emit` never throws and never blocks the agent; a batch is written at most
 *   `coalesceMs` (~50 ms) after its first event.
 * - A failed append (database unreachable) keeps its events at the front of the buffer and
 *   retries: nothing is dropped while the lease holds. Only the fence can drop events:
 *   a worker that lost its lease has no right to append.
 * - The attempt's rendered prompt (`setPrompt`) rides with the next batch, or alone after
 *   `coalesceMs` when nothing else is emitted, or with the completion when the attempt ends
 *   first (`takeRemaining`): never a write of its own at the start of every step.
 */
import type { StepEventInput } from "../engine/contract";

const MERGEABLE = new Set(["text-chunk", "thought-chunk"]);

/** Pure: appends `event` to `buffer`, merging it into the last event when both are chunks. */
export function coalesce(buffer: StepEventInput[], event: StepEventInput): void {
  const last = buffer[buffer.length - 1];
  if (
    last &&
    last.type === event.type &&
    MERGEABLE.has(event.type) &&
    typeof last.data.text === "string" &&
    typeof event.data.text === "string" &&
    Object.keys(event.data).length === 1 &&
    Object.keys(last.data).length === 1
  ) {
    buffer[buffer.length - 1] = { type: last.type, data: { text: last.data.text + event.data.text } };
    return;
  }
  buffer.push({ type: event.type, data: { ...event.data } });
}

export interface EventBufferOptions {
  coalesceMs: number;
  /**
   * Appends one batch (and stores the prompt when given); resolves to false when fenced out
   * (the step is no longer this attempt's: nothing was written).
   */
  append(events: StepEventInput[], prompt: string | null): Promise<boolean>;
  retryMs?: number;
}

export class EventBuffer {
  private pending: StepEventInput[] = [];
  private prompt: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private fencedOut = false;
  private closed = false;
  /** Events written so far (for tests and diagnostics). */
  written = 0;

  constructor(private readonly options: EventBufferOptions) {}

  emit(event: StepEventInput): void {
    if (this.fencedOut || this.closed) return;
    coalesce(this.pending, event);
    this.schedule(this.options.coalesceMs);
  }

  setPrompt(prompt: string): void {
    if (this.fencedOut || this.closed) return;
    this.prompt = prompt;
    this.schedule(this.options.coalesceMs);
  }

  /**
   * Closes the buffer and hands back what is still unwritten, after any in-flight append
   * settled — so the caller can write it atomically with the step's completion. Events
   * emitted after this are ignored (the attempt is over).
   */
  async takeRemaining(): Promise<{ events: StepEventInput[]; prompt: string | null }> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.inFlight) await this.inFlight;
    if (this.fencedOut) return { events: [], prompt: null };
    const rest = { events: this.pending, prompt: this.prompt };
    this.pending = [];
    this.prompt = null;
    return rest;
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.inFlight || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flushOnce().then((ok) => {
        if (this.pending.length > 0 || this.prompt !== null) this.schedule(ok ? this.options.coalesceMs : (this.options.retryMs ?? 250));
      });
    }, delayMs);
  }

  /** One append of the whole buffer; false when it failed (events kept for a retry). */
  private async flushOnce(): Promise<boolean> {
    if ((this.pending.length === 0 && this.prompt === null) || this.fencedOut) return true;
    const batch = this.pending;
    const prompt = this.prompt;
    this.pending = [];
    this.prompt = null;
    let ok = true;
    const run = (async () => {
      try {
        if (await this.options.append(batch, prompt)) this.written += batch.length;
        else this.fencedOut = true;
      } catch {
        ok = false;
        // A newer prompt set meanwhile wins; else this one is retried.
        this.prompt ??= prompt;
        // Put the batch back in front of anything emitted meanwhile, re-merging the seam.
        const later = this.pending;
        this.pending = [];
        for (const event of [...batch, ...later]) coalesce(this.pending, event);
      }
    })();
    this.inFlight = run;
    await run;
    this.inFlight = null;
    return ok;
  }
}
