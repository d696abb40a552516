/** Spawn settings for the fake ACP agent (lib/agents/acp/fake-agent.ts) driven by a script. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { FakeScript } from "../acp/fake-script";

const ROOT = path.resolve(import.meta.dirname, "../../..");
export const TSX_BIN = path.join(ROOT, "node_modules/.bin/tsx");
export const FAKE_AGENT = path.join(ROOT, "lib/agents/acp/fake-agent.ts");

/** Writes the script to a temp file; returns the argv that runs the fake agent on it. */
export function fakeAgentCommand(script: FakeScript): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-fake-acp-"));
  const file = path.join(dir, "script.json");
  fs.writeFileSync(file, JSON.stringify(script));
  return [TSX_BIN, FAKE_AGENT, file];
}
