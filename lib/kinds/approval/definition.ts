/** approval: the run waits here until a person approves (or rejects, or asks for changes). */
import { z } from "zod";
import { defineKind, nodeStep, nodeStepRunConfig, nodeStepSchema, noRerunChanges } from "../define";

export const approvalConfigSchema = z.object({
  /** Shown to the approver. */
  message: z.string().max(10_000).optional(),
});
export type ApprovalConfig = z.infer<typeof approvalConfigSchema>;

export const approvalStepSchema = nodeStepSchema("approval", {
  /** Shown to the approver. */
  message: z.string().optional(),
});
export type ApprovalStep = z.output<typeof approvalStepSchema>;

export const approvalKind = defineKind({
  kind: "approval",
  label: "Approval",
  summary: "Pauses the run until a person approves",
  schema: approvalConfigSchema,
  defaults: () => ({ message: "Review the changes before continuing." }),
  templates: () => [],
  profiles: () => [],
  rules: () => [],
  needsInput: true,
  referenceFields: [],
  runConfig: nodeStepRunConfig,
  answeredByPerson: true,
  rerunChanges: noRerunChanges,
  stepSchema: approvalStepSchema,
  // One attempt: a person's answer is not retried.
  plan: ({ id, config: c }, upstream) => [
    nodeStep({ kind: "approval", role: "node", nodeId: id, ...(c.message ? { message: c.message } : {}), workspace: "none", upstream, retries: 0 }, undefined),
  ],
});
