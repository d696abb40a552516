/** Follow-up turns on a backend without sessions: one task per turn (the command backend, real subprocesses). */
import { expect, test } from "vitest";
import { commandBackend } from "./command/backend";
import { recordedTask } from "./testing/task";
import { runTurns } from "./turns";

test("a backend without sessions gets one task per turn: the task, then the follow-up", async () => {
  const echo = `let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write("got:"+s))`;
  const r = recordedTask({ prompt: "fix the bug", options: { command: [process.execPath, "-e", echo] } });
  const seen: string[] = [];
  r.task.followUp = async (turn) => {
    seen.push(turn.output);
    return seen.length === 1 ? "the check said: 1 failing" : null;
  };
  const result = await runTurns(commandBackend, r.task);
  expect(seen).toEqual(["got:fix the bug", "got:fix the bug\n\nthe check said: 1 failing"]);
  expect(result.output).toBe("got:fix the bug\n\nthe check said: 1 failing");
});
