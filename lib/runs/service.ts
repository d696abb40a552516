/**
 * The run service: every use-case of the Run API, callable from routes and the MCP server.
 * Bad ids → 404, bad states → 409 with the reason, bad bodies → 400 naming the field.
 */
export { startRunOrThrow, rerunRunOrThrow, type StartRunInput } from "./start-run";
export { getRunOrThrow, readRunSnapshotOrThrow, listRuns, type RunDetail, type RunSummary, type StepDetail } from "./queries";
export { cancelRunOrThrow, approveStepOrThrow, selectWinnerOrThrow, rerunStepOrThrow } from "./actions";
