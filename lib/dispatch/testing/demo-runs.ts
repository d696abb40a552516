/**
 * Runs through the REAL engine (plan + createRunOrThrow) with demo-backend agent nodes, for
 * the process tests and the bench. The database must be seeded (the "demo" profile).
 */
import type { Db } from "../../db/client";
import type { FlowDocument, FlowNode } from "../../flow/document";
import { createRunOrThrow, type CreatedRun } from "../../engine/create-run";
import { plan } from "../../engine/plan";

export interface DemoNode {
  id: string;
  after?: string[];
  /** Demo backend options: delayMs (per chunk), chunks, text, failTimes, hang. */
  options?: Record<string, unknown>;
  retries?: number;
  timeoutSec?: number;
}

export function demoFlow(name: string, nodes: readonly DemoNode[]): FlowDocument {
  const flowNodes: FlowNode[] = nodes.map((n) => ({
    id: n.id,
    kind: "agent",
    config: {
      profile: "demo",
      prompt: `Demo step ${n.id}`,
      workspace: "none",
      ...(n.options ? { options: n.options } : {}),
      ...(n.retries !== undefined ? { retries: n.retries } : {}),
      ...(n.timeoutSec !== undefined ? { timeoutSec: n.timeoutSec } : {}),
    },
  }));
  const edges = nodes.flatMap((n) => (n.after ?? []).map((from) => ({ from, to: n.id })));
  return { name, inputs: [], nodes: flowNodes, edges };
}

export async function createDemoRun(db: Db, flow: FlowDocument): Promise<CreatedRun> {
  return createRunOrThrow(db.orm, { flowId: "flow_dispatch_demo", flowVersion: 1, plan: plan(flow, {}), origin: "api" });
}

export function demoChain(length: number, options: Record<string, unknown> = {}): FlowDocument {
  return demoFlow(
    `chain of ${length}`,
    Array.from({ length }, (_, i) => ({ id: `c${i}`, after: i === 0 ? [] : [`c${i - 1}`], options })),
  );
}

export function demoParallel(count: number, options: Record<string, unknown> = {}): FlowDocument {
  return demoFlow(
    `${count} parallel`,
    Array.from({ length: count }, (_, i) => ({ id: `p${i}`, options })),
  );
}
