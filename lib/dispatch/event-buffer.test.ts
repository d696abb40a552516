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
        return true;
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
    expect(rest).toEqual({ events: [{ type: "log-line", data: { text: "x" } }], prompt: null });
    buffer.emit(text("late"));
    expect(await buffer.takeRemaining()).toEqual({ events: [], prompt: null });
  });

  it("drops everything once an append reports the lease lost (0 rows)", async () => {
    let appended: () => void = () => {};
    const once = new Promise<void>((resolve) => (appended = resolve));
    const buffer = new EventBuffer({
      coalesceMs: 1,
      append: async () => {
        appended();
        return false;
      },
    });
    buffer.emit(text("a"));
    await once;
    buffer.emit(text("b"));
    buffer.setPrompt("p");
    expect(await buffer.takeRemaining()).toEqual({ events: [], prompt: null });
  });

  it("writes the prompt with the next batch, or alone when nothing else is emitted", async () => {
    const calls: Array<{ events: StepEventInput[]; prompt: string | null }> = [];
    let wrote: () => void = () => {};
    const buffer = new EventBuffer({
      coalesceMs: 1,
      append: async (events, prompt) => {
        calls.push({ events, prompt });
        wrote();
        return true;
      },
    });
    let written = new Promise<void>((resolve) => (wrote = resolve));
    buffer.setPrompt("render 1");
    buffer.emit(text("a"));
    await written;
    written = new Promise<void>((resolve) => (wrote = resolve));
    buffer.setPrompt("render 2");
    await written;
    expect(calls).toEqual([
      { events: [text("a")], prompt: "render 1" },
      { events: [], prompt: "render 2" },
    ]);
    expect(await buffer.takeRemaining()).toEqual({ events: [], prompt: null });
  });

  it("hands a prompt not yet written to the completion", async () => {
    const calls: unknown[] = [];
    const buffer = new EventBuffer({ coalesceMs: 10_000, append: async (events, prompt) => (calls.push({ events, prompt }), true) });
    buffer.setPrompt("the prompt");
    buffer.emit(text("x"));
    expect(await buffer.takeRemaining()).toEqual({ events: [text("x")], prompt: "the prompt" });
    expect(calls).toEqual([]);
  });

  it("keeps a prompt whose append failed for the retry", async () => {
    const calls: Array<string | null> = [];
    let fail = true;
    let retried: () => void = () => {};
    const done = new Promise<void>((resolve) => (retried = resolve));
    const buffer = new EventBuffer({
      coalesceMs: 1,
      retryMs: 1,
      append: async (_events, prompt) => {
        calls.push(prompt);
        if (fail) {
          fail = false;
          throw new Error("Connection terminated");
        }
        retried();
        return true;
      },
    });
    buffer.setPrompt("p");
    await done;
    expect(calls).toEqual(["p", "p"]);
  });
});
