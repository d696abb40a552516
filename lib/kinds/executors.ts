/**
 * The engine's executor table: one entry per kind of lib/kinds/index.ts (typed over NodeKind,
 * so a kind without an executor is a type error). Server only.
 */
import type { NodeKind, StepSpecOf } from ".";
import { agentExecutor } from "./agent/executor";
import { approvalExecutor } from "./approval/executor";
import { loopExecutor } from "./loop/executor";
import { arenaExecutor } from "./arena/executor";
import { checkExecutor } from "./check/executor";
import type { KindExecutor } from "./executor-types";
import { foldExecutor } from "./fold/executor";

export const EXECUTORS: { [K in NodeKind]: KindExecutor<StepSpecOf<K>> } = {
  agent: agentExecutor,
  arena: arenaExecutor,
  fold: foldExecutor,
  check: checkExecutor,
  approval: approvalExecutor,
  loop: loopExecutor,
};
