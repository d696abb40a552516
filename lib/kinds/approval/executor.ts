/**
 * An approval step waits for a person: POST …/approve (or a review's reject / request
 * changes, lib/review) ends the wait; so does an answer to its waitpoint token from elsewhere.
 */
import type { KindExecutor } from "../executor-types";
import { newWaitpointToken } from "../../review/waitpoint";
import type { ApprovalStep } from "./definition";

export const approvalExecutor: KindExecutor<ApprovalStep> = {
  execute: async (_context, spec) => ({ state: "waiting", detail: { message: spec.message ?? "Approve to continue.", waitpoint: newWaitpointToken() } }),
};
