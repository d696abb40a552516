import { describe, expect, test } from "vitest";
import { AgentError, type AgentEvent, type AgentTask } from "../agents/types";
import { redactDeep, withSecretRedaction } from "./secrets";

const SECRET = "sk-test-0123456789";

function task(events: AgentEvent[]): AgentTask {
  return {
    prompt: "p",
    cwd: null,
    env: { OPENAI_API_KEY: SECRET },
    signal: new AbortController().signal,
    options: { apiKey: "$OPENAI_API_KEY" },
    attempt: 1,
    onEvent: (e) => {
      events.push(e);
    },
  };
}

describe("redactDeep", () => {
  test("redacts nested strings, keeps structure and other values", () => {
    expect(redactDeep({ a: [`x ${SECRET}`, 3, null, { b: SECRET }], c: true }, [SECRET])).toEqual({ a: ["x [redacted]", 3, null, { b: "[redacted]" }], c: true });
  });
});

describe("withSecretRedaction", () => {
  test("events, output and errors are redacted", async () => {
    const events: AgentEvent[] = [];
    const run = withSecretRedaction(async (t) => {
      await t.onEvent({ type: "tool-call", toolCallId: "1", title: `curl -H ${SECRET}`, kind: "execute", status: "pending", rawInput: { header: SECRET } });
      return { output: `used ${SECRET}`, stopReason: "end_turn", usage: {} };
    });
    expect((await run(task(events))).output).toBe("used [redacted]");
    expect(JSON.stringify(events)).not.toContain(SECRET);

    const failing = withSecretRedaction(async () => {
      throw new AgentError("http", `HTTP 401: bad key ${SECRET}`, { body: SECRET });
    });
    const error = (await failing(task([])).catch((e: unknown) => e)) as AgentError;
    expect(error).toBeInstanceOf(AgentError);
    expect(error.code).toBe("http");
    expect(error.message).toBe("HTTP 401: bad key [redacted]");
    expect(error.detail).toEqual({ body: "[redacted]" });
  });
});
