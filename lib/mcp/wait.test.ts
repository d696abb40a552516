import { describe, expect, it } from "vitest";
import { waitUntil } from "./wait";

describe("waitUntil", () => {
  it("returns as soon as the value is done, without timing out", async () => {
    let calls = 0;
    const result = await waitUntil({ load: async () => ++calls, isDone: (n) => n >= 3, timeoutMs: 60_000, pollMs: 1 });
    expect(result).toMatchObject({ value: 3, timedOut: false });
  });

  it("says timedOut with the last value when the time runs out", async () => {
    let clock = 0;
    const result = await waitUntil({
      load: async () => "running",
      isDone: () => false,
      timeoutMs: 100,
      pollMs: 1,
      now: () => (clock += 30),
    });
    expect(result).toMatchObject({ value: "running", timedOut: true });
    expect(result.waitedMs).toBeGreaterThanOrEqual(100);
  });

  it("reports progress for every pending load", async () => {
    const seen: number[] = [];
    let calls = 0;
    await waitUntil({
      load: async () => ++calls,
      isDone: (n) => n === 4,
      timeoutMs: 60_000,
      pollMs: 1,
      onPending: (n) => {
        seen.push(n);
      },
    });
    expect(seen).toEqual([1, 2, 3]);
  });

  it("wakes on a subscription instead of waiting for the poll", async () => {
    let state = "running";
    let wake: () => void = () => {};
    let unsubscribed = false;
    const waiting = waitUntil({
      load: async () => state,
      isDone: (s) => s === "done",
      timeoutMs: 600_000,
      pollMs: 600_000,
      subscribe: (callback) => {
        wake = callback;
        return () => {
          unsubscribed = true;
        };
      },
      onPending: () => {
        // The load saw "running"; the state changes and the notification arrives.
        queueMicrotask(() => {
          state = "done";
          wake();
        });
      },
    });
    await expect(waiting).resolves.toMatchObject({ value: "done", timedOut: false });
    expect(unsubscribed).toBe(true);
  });

  it("stops when the caller aborts", async () => {
    const controller = new AbortController();
    const waiting = waitUntil({
      load: async () => "running",
      isDone: () => false,
      timeoutMs: 600_000,
      pollMs: 600_000,
      signal: controller.signal,
      onPending: () => queueMicrotask(() => controller.abort()),
    });
    await expect(waiting).resolves.toMatchObject({ timedOut: true });
  });
});
