import { expect, type APIRequestContext } from "@playwright/test";
import type { FlowDocument } from "../../lib/flow/document";

export const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** a → b → c: two demo agents (b reads a's output) and an `npm test` check. */
export function chain(name: string): FlowDocument {
  return {
    name,
    inputs: [{ name: "task", required: true }],
    nodes: [
      { id: "a", kind: "agent", position: { x: 0, y: 0 }, config: { profile: "demo", prompt: "{{inputs.task}}" } },
      { id: "b", kind: "agent", position: { x: 320, y: 0 }, config: { profile: "demo", prompt: "{{steps.a.output}}" } },
      { id: "c", kind: "check", position: { x: 640, y: 0 }, config: { command: ["npm", "test"] } },
    ],
    edges: [
      { from: "a", to: "b" },
      { from: "b", to: "c" },
    ],
  };
}

export async function createFlowViaApi(request: APIRequestContext, doc: FlowDocument): Promise<string> {
  const response = await request.post("/api/flows", { data: doc });
  expect(response.status()).toBe(201);
  return ((await response.json()) as { id: string }).id;
}
