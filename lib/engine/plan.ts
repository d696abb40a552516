/**
 * plan(flow, inputs) → the steps of a run and their dependencies. Pure.
 *
 * - agent/fold/check/approval: one step keyed by the node id.
 * - arena: one step per contestant ("<node>#<i>", depending on the arena's upstream nodes)
 *   plus a select step keyed by the node id that depends on every contestant. Downstream
 *   nodes depend on the node id, i.e. on the select step, and so see the winner.
 * - maxAttempts = retries + 1.
 * - requiredTags: with `profileTags`, "profile:<id>" for the agent profile a step runs, so only
 *   workers advertising that profile claim it. Off by default: workers advertise no tags
 *   unless configured (BATON_WORKER_TAGS), and a required tag no worker has strands the step.
 */
import type { FlowDocument, FlowNode } from "../flow/document";
import { predecessors, topologicalOrder } from "../flow/graph";
import { resolveInputs } from "./inputs";
import { loopStepOf } from "../kinds/loop/definition";
import { contestantKey, profileTag, type Plan, type PlannedStep, type StepSpec } from "./spec";

export class PlanError extends Error {
  constructor(
    message: string,
    readonly issues: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
    this.name = "PlanError";
  }
}

const timeoutMsOf = (timeoutSec: number | undefined) => (timeoutSec === undefined ? null : timeoutSec * 1000);

export interface PlanOptions {
  profileTags?: boolean;
}

export function plan(flow: FlowDocument, given: Record<string, unknown>, options: PlanOptions = {}): Plan {
  const resolved = resolveInputs(flow, given);
  if (!resolved.ok) {
    throw new PlanError(`invalid inputs: ${resolved.issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, resolved.issues);
  }
  const ids = flow.nodes.map((node) => node.id);
  const byId = new Map(flow.nodes.map((node) => [node.id, node]));
  const parents = predecessors(ids, flow.edges);
  const order = topologicalOrder(ids, flow.edges);
  if (order.length !== ids.length) throw new PlanError("the flow has a cycle");
  const steps: PlannedStep[] = [];
  for (const id of order) steps.push(...planNode(byId.get(id)!, parents.get(id) ?? []));
  if (!options.profileTags) for (const step of steps) step.requiredTags = [];
  return { inputs: resolved.inputs, steps };
}

function planNode(node: FlowNode, upstream: string[]): PlannedStep[] {
  const base = { nodeId: node.id, kind: node.kind, dependsOn: upstream };
  switch (node.kind) {
    case "agent": {
      const c = node.config;
      const spec: StepSpec = {
        kind: "agent",
        role: "node",
        nodeId: node.id,
        profile: c.profile,
        ...(c.model ? { model: c.model } : {}),
        prompt: c.prompt,
        options: c.options ?? {},
        workspace: c.workspace ?? "code",
        upstream,
        retries: c.retries ?? 0,
      };
      return [
        {
          ...base,
          key: node.id,
          role: "node",
          spec,
          maxAttempts: spec.retries + 1,
          timeoutMs: timeoutMsOf(c.timeoutSec),
          requiredTags: [profileTag(c.profile)],
        },
      ];
    }
    case "arena": {
      const c = node.config;
      const retries = c.retries ?? 0;
      const contestants: PlannedStep[] = c.contestants.map((contestant, i) => ({
        ...base,
        key: contestantKey(node.id, i),
        role: "contestant",
        spec: {
          kind: "arena",
          role: "contestant",
          nodeId: node.id,
          profile: contestant.profile,
          ...(contestant.model ? { model: contestant.model } : {}),
          prompt: c.prompt,
          options: contestant.options ?? {},
          workspace: c.workspace ?? "code",
          contestantIndex: i,
          upstream,
          retries,
        },
        maxAttempts: retries + 1,
        timeoutMs: timeoutMsOf(c.timeoutSec),
        requiredTags: [profileTag(contestant.profile)],
      }));
      const judge = c.select.mode === "judge" ? c.select.profile : undefined;
      const select: PlannedStep = {
        ...base,
        key: node.id,
        role: "select",
        dependsOn: contestants.map((s) => s.key),
        spec: {
          kind: "arena",
          role: "select",
          nodeId: node.id,
          select: { ...c.select },
          ...(judge ? { profile: judge } : {}),
          workspace: "none",
          upstream,
          retries,
        },
        maxAttempts: retries + 1,
        // A judge is an agent run, so the node's timeout applies to it; first/manual are instant.
        timeoutMs: c.select.mode === "judge" || c.select.mode === "check" ? timeoutMsOf(c.timeoutSec) : null,
        requiredTags: judge ? [profileTag(judge)] : [],
      };
      return [...contestants, select];
    }
    case "fold": {
      const c = node.config;
      const agentMode = c.mode === "agent" && c.profile;
      return [
        {
          ...base,
          key: node.id,
          role: "node",
          spec: {
            kind: "fold",
            role: "node",
            nodeId: node.id,
            fold: { mode: c.mode, ...(c.separator !== undefined ? { separator: c.separator } : {}) },
            ...(agentMode ? { profile: c.profile, prompt: c.prompt ?? "" } : {}),
            ...(c.model ? { model: c.model } : {}),
            options: c.options ?? {},
            workspace: agentMode ? "code" : "none",
            upstream,
            retries: c.retries ?? 0,
          },
          maxAttempts: (c.retries ?? 0) + 1,
          timeoutMs: timeoutMsOf(c.timeoutSec),
          requiredTags: agentMode ? [profileTag(c.profile!)] : [],
        },
      ];
    }
    case "check": {
      const c = node.config;
      return [
        {
          ...base,
          key: node.id,
          role: "node",
          spec: {
            kind: "check",
            role: "node",
            nodeId: node.id,
            command: c.command,
            workspace: "code",
            upstream,
            retries: c.retries ?? 0,
          },
          maxAttempts: (c.retries ?? 0) + 1,
          timeoutMs: timeoutMsOf(c.timeoutSec),
          requiredTags: [],
        },
      ];
    }
    case "loop": {
      const c = node.config;
      const retries = c.retries ?? 0;
      return [
        {
          ...base,
          key: node.id,
          role: "node",
          spec: {
            kind: "loop",
            role: "node",
            nodeId: node.id,
            profile: c.profile,
            ...(c.model ? { model: c.model } : {}),
            prompt: c.prompt,
            options: c.options ?? {},
            loop: loopStepOf(c),
            workspace: "code",
            upstream,
            retries,
          },
          maxAttempts: retries + 1,
          // Each round has its own timeout (spec.loop.roundTimeoutMs); the step as a whole none.
          timeoutMs: null,
          requiredTags: [profileTag(c.profile)],
        },
      ];
    }
    case "approval": {
      const c = node.config;
      return [
        {
          ...base,
          key: node.id,
          role: "node",
          spec: {
            kind: "approval",
            role: "node",
            nodeId: node.id,
            ...(c.message ? { message: c.message } : {}),
            workspace: "none",
            upstream,
            retries: 0,
          },
          maxAttempts: 1,
          timeoutMs: null,
          requiredTags: [],
        },
      ];
    }
  }
}
