/**
 * How a kind's steps execute (lib/kinds/<kind>/executor.ts): server only — they spawn agents
 * and commands, touch git and the database. The dispatcher calls Engine.executeStep
 * (lib/engine/execute-step.ts), which parses the stored spec and hands it to its kind's
 * executor from lib/kinds/executors.ts.
 */
import type { StepContext, StepOutcome } from "../engine/contract";

export interface KindExecutor<Spec> {
  /**
   * One attempt of one step whose spec parsed as this kind's. Cancellation arrives through
   * `context.signal`; failures are outcomes (`retryable` says whether another attempt helps),
   * never throws. (Method syntax: the table's entries are called through StepSpec.)
   */
  execute(context: StepContext, spec: Spec): Promise<StepOutcome>;
}
