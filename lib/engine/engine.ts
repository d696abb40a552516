/** The Engine the dispatcher calls (see contract.ts): node semantics + the reducer on Postgres. */
import type { Engine } from "./contract";
import { advanceRun } from "./apply-run-event";
import { executeStep } from "./execute-step";

export const engine: Engine = { executeStep, advanceRun };
export { advanceRun, executeStep };
