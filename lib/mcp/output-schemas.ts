/**
 * Output schemas of the tools whose results a client is most likely to read as data (runs and
 * agents). Declared on the tools, so clients see the shape in tools/list and the SDK checks
 * every structured result against it on both ends.
 */
import { z } from "zod";
import { runResultSchema } from "../results/schemas";

const stepShape = z.object({
  stepId: z.string(),
  nodeId: z.string(),
  key: z.string(),
  kind: z.string(),
  state: z.string(),
  attempt: z.number(),
  summary: z.string().nullable(),
  error: z.string().nullable(),
  output: z.string().nullable().describe("Its end, capped; get_step_output reads all of it"),
  outputChars: z.number().describe("Length of the whole output"),
  outputTruncated: z.boolean(),
  branch: z.string().nullable(),
  resultCommit: z.string().nullable(),
  diffStats: z.unknown(),
});

export const runOutputShape = {
  runId: z.string(),
  flowId: z.string(),
  flowVersion: z.number(),
  status: z.string().describe("pending | running | waiting | succeeded | failed | canceled"),
  done: z.boolean(),
  origin: z.string(),
  error: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  fullOutput: z.string().describe("HTTP path of the full run record (get_step_output reads a step's output over any transport)"),
  next: z.string().optional().describe("What to do next while the run is not done"),
  steps: z.array(stepShape),
  timedOut: z.boolean().optional().describe("wait_for_run: true when the wait ran out before the run ended"),
  waitedSec: z.number().optional(),
  ui: z.string().optional(),
  note: z.string().optional().describe("What happens to the run if this server exits"),
  rerunStepId: z.string().optional(),
  result: runResultSchema
    .omit({ diff: true })
    .extend({ fullDiff: z.string().describe("HTTP path of the result with its combined diff") })
    .optional()
    .describe("get_run: the run's final commit (or the merge of its sinks' results), combined diff stats against the base, and what merging into the base would do"),
};

export const agentOutputShape = {
  agentId: z.string(),
  title: z.string(),
  status: z.enum(["initializing", "running", "idle", "error", "closed"]),
  runStatus: z.string(),
  cwd: z.string().nullable(),
  lastMessage: z.string().nullable().describe("The agent's output (its end, capped) or its error"),
  lastMessageTruncated: z.boolean(),
  fullOutput: z.string(),
  ui: z.string(),
  timedOut: z.boolean().optional().describe("wait_for_agent: true when the wait ran out before the agent finished"),
  waitedSec: z.number().optional(),
  provider: z.object({ profile: z.string(), model: z.string().optional() }).optional(),
  note: z.string().optional().describe("What happens to the agent if this server exits"),
};
