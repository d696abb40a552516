/**
 * The worker: claims ready steps, runs them through the Engine, completes them.
 *
 * Glossary:
 * - slot: room for one executing step; `concurrency` slots per worker. A step whose
 *   execution ended gives its slot back while its outcome is being written (the write is
 *   bookkeeping, not agent work), so the next claim overlaps the previous completion.
 * - lease: the claim's right to write a step, renewed by the heartbeat timer; `fence`
 *   (from the claim) guards every write.
 * - wake: a reason to claim now — a NOTIFY on STEP_READY_CHANNEL, the notifier
 *   (re)connecting, a slot freeing up, or the poll timer (the fallback that makes lost
 *   notifications harmless).
 *
 * Modes (explicit, one at a time):
 * - "manual": nothing runs by itself; tests call `runOnce()` (claim up to the free slots,
 *   execute, complete, resolve when those steps are done).
 * - "loop": `start()` registers the worker row and runs until `stop()`.
 * Lifecycle: idle → running (loop) → stopping → stopped.
 *
 * Invariants:
 * - Never more than `concurrency` steps executing, nor more than `concurrency` finished ones
 *   waiting for their outcome to be written; claims ask for free slots only. Every held
 *   lease (executing or completing) is renewed until its outcome is written.
 * - Only steps whose required_tags ⊆ `tags` are claimed.
 * - An attempt ends in exactly one of: completed (complete-step), fenced out (lease lost:
 *   nothing written), released (graceful shutdown past the grace period).
 * - Cancel requests (seen by the heartbeat), timeouts and lease loss abort the step's
 *   signal; the reason decides the outcome written (canceled / failed "timed out" / none).
 * - This worker may claim a step it is still executing: it stalled past the lease, the
 *   rescuer made the step ready, and this worker's next claim took it again. That claim bumped
 *   the fence, so the older attempt is lost: it is aborted at the claim, and it is tracked as
 *   an attempt (an entry), never as "the step": a heartbeat asked about the older attempt
 *   aborts only that one, and the older attempt's end never drops the newer one's lease.
 */
import { cancelRequested } from "./cancel-requested";
import { dataDir as defaultDataDir, type Db } from "../db/client";
import type { GitSharing } from "../git/repo-map";
import type { StepRow } from "../db/schema";
import { STEP_READY_CHANNEL, type Engine, type StepEventInput, type StepOutcome } from "../engine/contract";
import { notifierFor } from "../db/notify";
import { appendEvents } from "./append-events";
import { claimSteps } from "./claim-steps";
import { completeSteps, type CompleteStepInput, type CompleteStepResult, type HandOff } from "./complete-step";
import { completeFast } from "./complete-fast";
import { CompletionBatcher } from "./completion-batcher";
import { deregisterWorker } from "./deregister-worker";
import { EventBuffer } from "./event-buffer";
import { guardPoolClients } from "./guard-pool";
import { heartbeat } from "./heartbeat";
import { describeWorker, registerWorker, type WorkerInfo, type WorkerMode } from "./register-worker";
import { releaseSteps } from "./release-steps";
import { settleOutcome, type AbortCause } from "./settle-outcome";
import { isTransientDatabaseError } from "./transient-error";
import { briefError } from "./brief-error";

export interface WorkerOptions {
  db: Db;
  engine: Engine;
  mode: WorkerMode;
  id?: string;
  tags?: string[];
  concurrency?: number;
  /** Poll interval: the fallback when a NOTIFY is missed (or `listen` is off). */
  pollIntervalMs?: number;
  /** Wake on NOTIFY (default true). Off = polling only (bench comparison). */
  listen?: boolean;
  leaseMs?: number;
  heartbeatIntervalMs?: number;
  /** Text chunks are merged and appended at most this long after emission. */
  coalesceMs?: number;
  dataDir?: string;
  /** Loop mode: how often to remove files of runs others ended (Engine.sweepFinished; default 60000). */
  sweepIntervalMs?: number;
  /** Repository map and lineage remote handed to every step (lib/git/repo-map.ts). */
  git?: GitSharing;
  log?: (message: string, error?: unknown) => void;
}

interface Running {
  step: StepRow;
  /** Still executing (holds a slot); false once its outcome is being written. */
  executing: boolean;
  controller: AbortController;
  cause: AbortCause | null;
  done: Promise<void>;
  timeout: NodeJS.Timeout | null;
}

export type WorkerState = "idle" | "running" | "stopping" | "stopped";

export class Worker {
  readonly info: WorkerInfo;
  private readonly db: Db;
  private readonly engine: Engine;
  private readonly pollIntervalMs: number;
  private readonly listen: boolean;
  private readonly leaseMs: number;
  private readonly heartbeatIntervalMs: number;
  private readonly coalesceMs: number;
  private readonly dataDir: string;
  private readonly git: GitSharing | undefined;
  private readonly sweepIntervalMs: number;
  private readonly log: (message: string, error?: unknown) => void;
  private readonly running = new Map<string, Running>();
  /** Older attempts of steps this worker claimed again (see the header), until they end. */
  private readonly superseded = new Set<Running>();
  /** Entries of `running` still executing (the rest are having their outcome written). */
  private executing = 0;
  /** Slots a completion in flight may fill with the steps it readies (hand-off claim). */
  private reserved = 0;
  /** Completions finishing together share one transaction (group commit). */
  private readonly completions: CompletionBatcher;
  private claiming: Promise<void> | null = null;
  private claimAgain = false;
  /** Ready ids NOTIFYed while a claim was in flight: one more round only if one is left unclaimed. */
  private readonly notifiedWhileClaiming = new Set<string>();
  /** A claim round ended with no free slot: wakes may have been skipped, so a freed slot claims. */
  private slotsWereFull = false;
  private timers: NodeJS.Timeout[] = [];
  private unsubscribes: Array<() => void> = [];
  private lastClaimError = 0;
  state: WorkerState = "idle";
  /** Attempts this worker completed (written), for tests and diagnostics. */
  completedCount = 0;

  constructor(options: WorkerOptions) {
    this.db = options.db;
    this.engine = options.engine;
    this.info = describeWorker({
      id: options.id,
      tags: options.tags ?? [],
      concurrency: options.concurrency ?? 4,
      mode: options.mode,
    });
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.listen = options.listen ?? true;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 1_000;
    this.coalesceMs = options.coalesceMs ?? 50;
    this.dataDir = options.dataDir ?? defaultDataDir();
    this.git = options.git;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
    this.completions = new CompletionBatcher((inputs) => this.completeBatch(inputs));
    this.log =
      options.log ?? ((message, error) => console.error(`[baton worker ${this.info.id}] ${message}${error ? `: ${briefError(error)}` : ""}`));
  }

  get id(): string {
    return this.info.id;
  }

  get freeSlots(): number {
    // Backpressure: at most `concurrency` finished attempts wait for their outcome to be
    // written, so a slow database cannot pile up leases behind fast steps.
    return Math.min(this.info.concurrency - this.executing, 2 * this.info.concurrency - this.running.size) - this.reserved;
  }

  /** Manual mode: claim up to the free slots, run them, resolve when they are completed. */
  async runOnce(): Promise<number> {
    const claimed = await claimSteps(this.db.orm, {
      workerId: this.id,
      tags: this.info.tags,
      limit: this.freeSlots,
      leaseMs: this.leaseMs,
    });
    const done = claimed.map((step) => this.launch(step));
    await Promise.all(done);
    return claimed.length;
  }

  /** One heartbeat now (loop mode beats on its timer); for tests of manual mode. */
  async beatOnce(): Promise<void> {
    await this.beat();
  }

  /** Loop mode: register, listen, poll and beat until `stop()`. */
  async start(): Promise<void> {
    if (this.state !== "idle") throw new Error(`worker ${this.id} is ${this.state}`);
    this.state = "running";
    guardPoolClients(this.db);
    await registerWorker(this.db.orm, this.info).catch((error) => this.log("register failed (heartbeat retries)", error));
    if (this.listen) {
      const notifier = notifierFor(this.db);
      // A notification for a step this worker already holds (claimed on the slot-free wake
      // that followed its own completion) needs no further claim round trip.
      this.unsubscribes.push(notifier.subscribe(STEP_READY_CHANNEL, (id) => this.onReady(id)));
      // Notifications sent while LISTEN was down are lost: claim on every (re)connect.
      this.unsubscribes.push(notifier.onListening(() => this.wake()));
    }
    this.every(this.pollIntervalMs, () => this.wake());
    this.every(this.heartbeatIntervalMs, () => void this.beat());
    const { sweepFinished } = this.engine;
    if (sweepFinished) this.every(this.sweepIntervalMs, () => void sweepFinished(this.db.orm, this.dataDir));
    this.wake();
  }

  /**
   * Graceful shutdown: stop claiming, let running steps finish within `graceMs`, then
   * release the rest back to "ready" (no attempt consumed) and abort them.
   */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.state === "stopped" || this.state === "stopping") return;
    const wasRunning = this.state === "running";
    this.state = "stopping";
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    // Keep leases alive while we wait out the grace period.
    const beat = setInterval(() => void this.beat(), this.heartbeatIntervalMs);
    try {
      if (this.claiming) await this.claiming;
      await withTimeout(this.allDone(), graceMs);
      const left = [...this.running.values()];
      if (left.length > 0) {
        const released = await releaseSteps(
          this.db.orm,
          this.id,
          left.map((r) => ({ id: r.step.id, fence: r.step.fence })),
        ).catch((error): string[] => {
          this.log("release failed (the rescuer will retry them after lease expiry)", error);
          return [];
        });
        for (const r of left) this.abort(r, released.includes(r.step.id) ? "shutdown" : "lease-lost");
        await withTimeout(this.allDone(), 5_000);
      }
    } finally {
      clearInterval(beat);
      if (wasRunning) await deregisterWorker(this.db.orm, this.id).catch(() => {});
      this.state = "stopped";
    }
  }

  /**
   * Claims as soon as possible; coalesces concurrent wake-ups into one extra round. A wake
   * for a ready step id (NOTIFY) that arrives mid-claim only forces that extra round if the
   * claim in flight did not take the step: the usual case in a chain is that the slot-free
   * wake already claimed the step whose NOTIFY arrives a moment later.
   */
  wake(readyStepIds?: readonly string[]): void {
    if (this.state !== "running") return;
    if (this.claiming) {
      if (readyStepIds === undefined) this.claimAgain = true;
      else for (const id of readyStepIds) this.notifiedWhileClaiming.add(id);
      return;
    }
    this.claiming = this.claimLoop().finally(() => {
      this.claiming = null;
      // A wake that arrived after the loop's last check but before this callback would be
      // lost (it only flagged the loop that was ending): run it now.
      if (this.claimAgain || this.notifiedWhileClaiming.size > 0) {
        this.claimAgain = false;
        this.notifiedWhileClaiming.clear();
        this.wake();
      }
    });
  }

  /**
   * A NOTIFY for a ready step. The notification of a step this worker's own completion
   * readied and claimed (hand-off) can be read before that completion's reply: looking again
   * after the I/O callbacks of this loop turn (setImmediate) finds it held and saves a claim.
   */
  private onReady(id: string): void {
    if (this.running.has(id)) return;
    setImmediate(() => {
      if (!this.running.has(id)) this.wake([id]);
    });
  }

  /**
   * The batcher's writer: completes a batch and takes the steps it readies, up to the free
   * slots (reserved while the transaction runs so concurrent claims don't fill them too).
   * Loop mode only: a manual-mode test drives each claim itself.
   */
  private async completeBatch(inputs: readonly CompleteStepInput[]): Promise<CompleteStepResult[]> {
    let reserved = 0;
    const handOff: HandOff = {
      workerId: this.id,
      tags: this.info.tags,
      leaseMs: this.leaseMs,
      capacity: (ready) => {
        if (this.state !== "running") return 0;
        const take = Math.max(0, Math.min(ready, this.freeSlots));
        reserved += take;
        this.reserved += take;
        return take;
      },
      claimed: (steps) => {
        for (const step of steps) void this.launch(step);
      },
    };
    try {
      // Completions whose advance the engine can predict are one statement each (complete-fast),
      // sent together; the rest share one transaction (complete-step).
      const fast = await Promise.all(
        inputs.map((input) =>
          input.runId ? completeFast(this.db, this.engine, { ...input, runId: input.runId }, handOff).catch(() => null) : null,
        ),
      );
      const rest = inputs.filter((_input, i) => fast[i] === null);
      if (rest.length === 0) return fast as CompleteStepResult[];
      // Every reservation so far is settled: steps claimed for it are launched, the attempts
      // that did not write claimed nothing.
      this.reserved -= reserved;
      reserved = 0;
      const written = await completeSteps(this.db.orm, this.engine, rest, handOff);
      return fast.map((result) => result ?? written.shift()!);
    } finally {
      this.reserved -= reserved;
    }
  }

  private async claimLoop(): Promise<void> {
    do {
      this.claimAgain = false;
      while (this.state === "running" && this.freeSlots > 0) {
        const limit = this.freeSlots;
        let claimed: StepRow[];
        try {
          claimed = await claimSteps(this.db.orm, { workerId: this.id, tags: this.info.tags, limit, leaseMs: this.leaseMs });
        } catch (error) {
          if (Date.now() - this.lastClaimError > 10_000) this.log("claim failed (will retry on next poll)", error);
          this.lastClaimError = Date.now();
          return;
        }
        for (const step of claimed) void this.launch(step);
        if (claimed.length < limit) break;
      }
      for (const id of this.notifiedWhileClaiming) if (this.running.has(id)) this.notifiedWhileClaiming.delete(id);
      if (this.notifiedWhileClaiming.size > 0) this.claimAgain = true;
      this.notifiedWhileClaiming.clear();
      if (this.freeSlots <= 0) this.slotsWereFull = true;
    } while (this.claimAgain && this.state === "running");
  }

  private launch(step: StepRow): Promise<void> {
    const older = this.running.get(step.id);
    if (older) {
      // Claimed again while still executing: this claim's fence ends the older attempt's lease.
      this.superseded.add(older);
      this.abort(older, "lease-lost");
    }
    const controller = new AbortController();
    const entry: Running = { step, executing: true, controller, cause: null, done: Promise.resolve(), timeout: null };
    if (step.timeoutMs && step.timeoutMs > 0) {
      entry.timeout = setTimeout(() => this.abort(entry, "timeout"), step.timeoutMs);
    }
    this.running.set(step.id, entry);
    this.executing += 1;
    // null: the attempt ended abnormally (execute threw), so claim as after any freed slot.
    let readied: readonly string[] | null = null;
    entry.done = this.execute(entry)
      .then((ids) => {
        readied = ids;
      })
      .finally(() => {
        if (entry.timeout) clearTimeout(entry.timeout);
        this.endExecution(entry);
        if (this.running.get(step.id) === entry) this.running.delete(step.id);
        this.superseded.delete(entry);
        this.slotFreed(readied);
      });
    return entry.done;
  }

  /**
   * A slot freed up. Claim at once when a wake may have been skipped while the slots were
   * full; otherwise only for steps this completion readied that are not already claimed
   * here (their NOTIFY may have arrived first and been claimed, or arrive after and be
   * skipped as held). Either way no ready step waits for the poll.
   */
  private slotFreed(readied: readonly string[] | null): void {
    if (this.slotsWereFull || readied === null) {
      this.slotsWereFull = false;
      this.wake();
      return;
    }
    const unclaimed = readied.filter((id) => !this.running.has(id));
    if (unclaimed.length > 0) this.wake(unclaimed);
  }

  /** The slot is free once execution ends; claim at once if a wake was skipped while full. */
  private endExecution(entry: Running): void {
    if (!entry.executing) return;
    entry.executing = false;
    this.executing -= 1;
    if (this.slotsWereFull) {
      this.slotsWereFull = false;
      this.wake();
    }
  }

  private abort(entry: Running, cause: AbortCause): void {
    if (entry.cause) return;
    entry.cause = cause;
    // A timeout aborts with a TimeoutError, so the agent backend logs "timed out", not "cancel requested".
    entry.controller.abort(
      cause === "timeout" ? new DOMException(`step timed out after ${entry.step.timeoutMs} ms`, "TimeoutError") : new Error(`step ${cause}`),
    );
  }

  /** Resolves to the ids the completion readied (none when it was not written). */
  private async execute(entry: Running): Promise<readonly string[]> {
    const { step } = entry;
    const buffer = new EventBuffer({
      coalesceMs: this.coalesceMs,
      append: async (events, prompt) => (await appendEvents(this.db.orm, { stepId: step.id, fence: step.fence, events, prompt })).owned,
    });
    let outcome: StepOutcome | null = null;
    let thrown: unknown = null;
    try {
      outcome = await this.engine.executeStep({
        db: this.db.orm,
        step,
        signal: entry.controller.signal,
        emit: (event) => buffer.emit(event),
        recordPrompt: (prompt) => buffer.setPrompt(prompt),
        dataDir: this.dataDir,
        ...(this.git ? { git: this.git } : {}),
      });
    } catch (error) {
      thrown = error;
    }
    this.endExecution(entry);
    if (entry.cause === "lease-lost" || entry.cause === "shutdown") return [];
    let cause = entry.cause;
    if (cause === null && outcome?.state === "failed" && (await cancelRequested(this.db.orm, step.id, step.fence).catch(() => false))) cause = "cancel";
    const final = settleOutcome({ outcome, thrown, cause, timeoutMs: step.timeoutMs });
    // The database dropping under the engine is not the node's failure: retry without
    // spending the node's retry budget.
    const grantAttempt = outcome === null && entry.cause === null && isTransientDatabaseError(thrown);
    const { events, prompt } = await buffer.takeRemaining();
    return this.completeWithRetry(entry, final, grantAttempt, events, prompt);
  }

  /** Completion survives a database blip: retried until written, fenced out, or lease time passes. */
  private async completeWithRetry(
    entry: Running,
    outcome: StepOutcome,
    grantAttempt: boolean,
    events: StepEventInput[],
    prompt: string | null,
  ): Promise<readonly string[]> {
    const deadline = Date.now() + this.leaseMs;
    for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
      try {
        const result = await this.completions.submit({
          stepId: entry.step.id,
          runId: entry.step.runId,
          fence: entry.step.fence,
          workerId: this.id,
          outcome,
          grantAttempt,
          events,
          ...(prompt === null ? {} : { prompt }),
        });
        if (result.completed) this.completedCount += 1;
        if (result.endedRunId) void this.engine.onRunEnded?.(this.db.orm, this.dataDir, result.endedRunId);
        return result.readyStepIds;
      } catch (error) {
        if (Date.now() + delay > deadline) {
          this.log(`completing ${entry.step.id} failed; the rescuer will retry the step`, error);
          return [];
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async beat(): Promise<void> {
    // The attempts asked about: by the time the answer arrives the step may have been
    // claimed again here, and the answer is about these attempts, not the newer one.
    const asked = new Map(this.running);
    const held = [...asked.values()].map((r) => ({ id: r.step.id, fence: r.step.fence }));
    try {
      const result = await heartbeat(this.db.orm, { worker: this.info, held, leaseMs: this.leaseMs, orphanAfterMs: Math.floor(this.leaseMs / 2) });
      if (result.orphaned.length > 0) {
        const released = await releaseSteps(this.db.orm, this.id, result.orphaned);
        if (released.length > 0) this.log(`released ${released.length} step(s) claimed for this worker whose claim reply was lost`);
      }
      for (const id of result.lost) {
        const entry = asked.get(id);
        if (entry) this.abort(entry, "lease-lost");
      }
      for (const id of result.cancelRequested) {
        const entry = asked.get(id);
        if (entry) this.abort(entry, "cancel");
      }
    } catch (error) {
      // The database is unreachable: leases keep running until expiry; nothing to abort yet.
      if (Date.now() - this.lastClaimError > 10_000) this.log("heartbeat failed", error);
    }
  }

  private allDone(): Promise<void> {
    return Promise.all([...this.running.values(), ...this.superseded].map((r) => r.done)).then(() => undefined);
  }

  private every(ms: number, fn: () => void): void {
    const timer = setInterval(fn, ms);
    timer.unref();
    this.timers.push(timer);
  }
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]).finally(() =>
    clearTimeout(timer),
  );
}
