import { describe, expect, it } from "vitest";
import type { StepEventInput } from "../engine/contract";
import { coalesce, EventBuffer } from "./event-buffer";

const text = (t: string): StepEventInput => ({ type: "text-chunk", data: { text: t } });

describe("coalesce", () => {
  it("merges consecutive chunks of one kind and keeps order around other events", () => {
    const buffer: StepEventInput[] = [];
    for (const event of [
      text("a"),
      text("b"),
      { type: "tool-call" as const, data: { toolCallId: "1" } },
      text("c"),
      { type: "thought-chunk" as const, data: { text: "t" } },
      text("d"),
      text("e"),
    ]) {
      coalesce(buffer, event);
    }
    expect(buffer).toEqual([
      text("ab"),
      { type: "tool-call", data: { toolCallId: "1" } },
      text("c"),
      { type: "thought-chunk", data: { text: "t" } },
      text("de"),
    ]);
  });
});

describe("EventBuffer", () => {
  it("retries a failed append, keeps order, and hands back what is left", async () => {
    const written: StepEventInput[][] = [];
    let failNext = true;
    let release: () => void = () => {};
    let secondStarted: () => void = () => {};
    const retrying = new Promise<void>((resolve) => (secondStarted = resolve));
    const buffer = new EventBuffer({
      coalesceMs: 1,
      retryMs: 1,
      async append(events) {
        if (failNext) {
          failNext = false;
          throw new Error("Connection terminated");
        }
        const gate = new Promise<void>((resolve) => (release = resolve));
        secondStarted();
        await gate;
        written.push(events);
        return events.length;
      },
    });
    buffer.emit(text("a"));
    buffer.emit(text("b"));
    // Wait until the retried append is in flight, then emit more and take the rest.
    await retrying;
    buffer.emit({ type: "log-line", data: { text: "x" } });
    const taking = buffer.takeRemaining();
    release();
    const rest = await taking;
    expect(written).toEqual([[text("ab")]]);
    expect(rest).toEqual([{ type: "log-line", data: { text: "x" } }]);
    buffer.emit(text("late"));
    expect(await buffer.takeRemaining()).toEqual([]);
  });

  it("drops everything once an append reports the lease lost (0 rows)", async () => {
    let appended: () => void = () => {};
    const once = new Promise<void>((resolve) => (appended = resolve));
    const buffer = new EventBuffer({
      coalesceMs: 1,
      append: async () => {
        appended();
        return 0;
      },
    });
    buffer.emit(text("a"));
    await once;
    buffer.emit(text("b"));
    expect(await buffer.takeRemaining()).toEqual([]);
  });
});
