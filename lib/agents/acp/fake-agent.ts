/**
 * A fake ACP agent for tests: a real subprocess speaking ACP through the SDK's agent side.
 * Usage: `tsx fake-agent.ts <script.json>` (see fake-script.ts). Never used in production.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Readable, Writable } from "node:stream";
import * as acp from "@agentclientprotocol/sdk";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { fakeScriptSchema, type FakeStep } from "./fake-script";

const script = fakeScriptSchema.parse(JSON.parse(fs.readFileSync(process.argv[2] ?? "", "utf8")));
if (script.startLog) fs.appendFileSync(script.startLog, `${process.pid}\n`);
let SESSION_ID = script.sessions ? `fake-${process.pid}-${Date.now().toString(36)}` : "fake-session-1";
let history: string[] = [];
let currentPrompt = "";
/** Prompts this process has answered (its session's turns). */
let turnCount = 0;
const sessionFile = (id: string) => path.join(script.sessions ?? "", `${id.replace(/[^A-Za-z0-9_-]/g, "_")}.json`);
let sessionCwd = process.cwd();
let sessionMcp: acp.McpServer[] = [];
let mode = "default";
let model = "fake-small";
let cancelled = false;
let onCancel: () => void = () => {};

const never = new Promise<never>(() => {});

function resolvePath(p: string): string {
  return path.isAbsolute(p) ? p : path.resolve(sessionCwd, p);
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "object" && error !== null && "message" in error) return String(error.message);
  return String(error);
}

async function runStep(client: acp.AgentContext, step: FakeStep): Promise<"continue" | "cancelled"> {
  const update = (u: acp.SessionUpdate) => client.notify(acp.methods.client.session.update, { sessionId: SESSION_ID, update: u });
  const report = (text: string) => update({ sessionUpdate: "agent_message_chunk", content: { type: "text", text } });
  switch (step.op) {
    case "chunk":
      await report(step.text);
      break;
    case "thought":
      await update({ sessionUpdate: "agent_thought_chunk", content: { type: "text", text: step.text } });
      break;
    case "tool-call":
      await update({
        sessionUpdate: "tool_call",
        toolCallId: step.id,
        title: step.title,
        kind: step.kind,
        status: step.status,
        locations: step.locations.map((p) => ({ path: resolvePath(p) })),
        content: step.diff ? [{ type: "diff", path: resolvePath(step.diff.path), oldText: step.diff.oldText, newText: step.diff.newText }] : [],
        rawInput: { locations: step.locations },
      });
      break;
    case "tool-update":
      await update({ sessionUpdate: "tool_call_update", toolCallId: step.id, status: step.status });
      break;
    case "plan":
      await update({
        sessionUpdate: "plan",
        entries: step.entries.map((e) => ({ content: e.content, status: e.status as acp.PlanEntryStatus, priority: "medium" })),
      });
      break;
    case "write":
      try {
        await client.request(acp.methods.client.fs.writeTextFile, { sessionId: SESSION_ID, path: resolvePath(step.path), content: step.content });
        await report(`[write ${step.path}: ok]`);
      } catch (error) {
        await report(`[write ${step.path}: error ${errorText(error)}]`);
      }
      break;
    case "read":
      try {
        const result = await client.request(acp.methods.client.fs.readTextFile, {
          sessionId: SESSION_ID,
          path: resolvePath(step.path),
          line: step.line,
          limit: step.limit,
        });
        await report(`[read ${step.path}: ok ${JSON.stringify(result.content)}]`);
      } catch (error) {
        await report(`[read ${step.path}: error ${errorText(error)}]`);
      }
      break;
    case "disk-write":
      fs.mkdirSync(path.dirname(resolvePath(step.path)), { recursive: true });
      fs.writeFileSync(resolvePath(step.path), step.content);
      await report(`[disk-write ${step.path}: ok]`);
      break;
    case "symlink":
      fs.symlinkSync(step.target, resolvePath(step.path));
      await report(`[symlink ${step.path}: ok]`);
      break;
    case "permission": {
      const request: acp.RequestPermissionRequest = {
        sessionId: SESSION_ID,
        toolCall: { toolCallId: step.id, title: step.title, locations: step.locations.map((p) => ({ path: resolvePath(p) })) },
        // Deliberately odd ids: the client must choose by kind.
        options: [
          { optionId: "zz-yes-forever", name: "Always allow", kind: "allow_always" },
          { optionId: "zz-yes", name: "Allow", kind: "allow_once" },
          { optionId: "zz-no", name: "Reject", kind: "reject_once" },
        ],
      };
      const answer = await client.request(acp.methods.client.session.requestPermission, request);
      const outcome = answer.outcome.outcome === "selected" ? answer.outcome.optionId : "cancelled";
      await report(`[permission ${step.id}: ok ${outcome}]`);
      break;
    }
    case "usage":
      await update({
        sessionUpdate: "usage_update",
        used: step.used,
        size: step.size,
        cost: step.costUsd === undefined ? null : { amount: step.costUsd, currency: "USD" },
      });
      break;
    case "stderr":
      process.stderr.write(step.text + "\n");
      break;
    case "env":
      await report(`[env ${step.name}: ok ${process.env[step.name] ?? "(unset)"}]`);
      break;
    case "unknown-update":
      await client.notify("session/update" as string, {
        sessionId: SESSION_ID,
        update: { sessionUpdate: "hologram_update", beam: 42 },
      });
      break;
    case "spawn-child": {
      const child = spawn("sleep", ["600"], { stdio: "ignore" });
      fs.writeFileSync(resolvePath(step.pidFile), String(child.pid));
      break;
    }
    case "sleep":
      await new Promise((resolve) => setTimeout(resolve, step.ms));
      break;
    case "crash":
      process.stderr.write(`fake agent crashing with code ${step.code}\n`);
      process.exit(step.code);
      break;
    case "hang":
      if (step.ignoreCancel) await never;
      if (!cancelled) await new Promise<void>((resolve) => (onCancel = resolve));
      return "cancelled";
    case "terminal":
      try {
        const result = await client.request(acp.methods.client.terminal.create, { sessionId: SESSION_ID, command: step.command });
        await report(`[terminal ${step.command}: ok ${result.terminalId}]`);
      } catch (error) {
        await report(`[terminal ${step.command}: error ${errorText(error)}]`);
      }
      break;
    case "garbage":
      process.stdout.write("this is not json-rpc\n");
      break;
    case "echo-prompt":
      await report(`[prompt ${currentPrompt}]`);
      break;
    case "mcp-call": {
      const server = sessionMcp.find((entry) => entry.name === step.server && "url" in entry);
      if (!server || !("url" in server)) {
        await report(`[mcp ${step.tool}: no server ${step.server}]`);
        break;
      }
      const mcp = new Client({ name: "fake-agent", version: "1.0.0" });
      try {
        await mcp.connect(new StreamableHTTPClientTransport(new URL(server.url)));
        const tools = (await mcp.listTools()).tools.map((tool) => tool.name).sort();
        const result = await mcp.callTool({ name: step.tool, arguments: step.args });
        const text = (Array.isArray(result.content) ? result.content : []).map((part) => (part.type === "text" ? part.text : "")).join("\n");
        await report(`[mcp tools ${tools.join(",")}]\n[mcp ${step.tool}: ${text}]`);
      } catch (error) {
        await report(`[mcp ${step.tool}: error ${errorText(error)}]`);
      } finally {
        await mcp.close().catch(() => {});
      }
      break;
    }
    case "turn":
      await report(`[turn ${turnCount} of session ${SESSION_ID}]`);
      break;
  }
  return cancelled ? "cancelled" : "continue";
}

let authenticated = false;

const app = acp
  .agent({ name: "fake-agent" })
  .onRequest(acp.methods.agent.initialize, async () => {
    if (script.initialize === "hang") await never;
    if (script.initialize === "crash") {
      process.stderr.write("fake agent failed to start\n");
      process.exit(7);
    }
    return {
      protocolVersion: acp.PROTOCOL_VERSION,
      agentCapabilities: { ...(script.sessions ? { loadSession: true } : {}), ...(script.mcpHttp ? { mcpCapabilities: { http: true } } : {}) },
      authMethods: script.envAuth
        ? [{ type: "env_var", id: script.envAuth.methodId, name: `Use ${script.envAuth.variable}`, vars: [{ name: script.envAuth.variable }] }]
        : [],
      agentInfo: { name: "fake-agent", version: "1.0.0" },
    };
  })
  .onRequest(acp.methods.agent.authenticate, async ({ params }) => {
    if (!script.envAuth || params.methodId !== script.envAuth.methodId) throw acp.RequestError.invalidParams(undefined, `unknown auth method ${params.methodId}`);
    if (!process.env[script.envAuth.variable]) throw acp.RequestError.authRequired(undefined, `${script.envAuth.variable} is not set`);
    authenticated = true;
    return {};
  })
  .onRequest(acp.methods.agent.session.new, async ({ params }) => {
    if (script.requireAuth) throw acp.RequestError.authRequired(undefined, "run `fake-agent login`");
    if (script.envAuth && !authenticated) throw acp.RequestError.authRequired(undefined, "call authenticate first");
    sessionCwd = params.cwd;
    sessionMcp = params.mcpServers;
    return {
      sessionId: SESSION_ID,
      configOptions: [
        {
          id: "model",
          name: "Model",
          category: "model",
          type: "select",
          currentValue: model,
          options: [
            { value: "fake-small", name: "Fake Small" },
            { value: "fake-large", name: "Fake Large" },
          ],
        },
      ],
      modes: {
        currentModeId: mode,
        availableModes: [
          { id: "default", name: "Default" },
          { id: "yolo", name: "Yolo" },
        ],
      },
    };
  })
  .onRequest(acp.methods.agent.session.load, async ({ client, params }) => {
    if (!script.sessions || !fs.existsSync(sessionFile(params.sessionId))) {
      throw acp.RequestError.resourceNotFound(params.sessionId);
    }
    SESSION_ID = params.sessionId;
    sessionCwd = params.cwd;
    history = JSON.parse(fs.readFileSync(sessionFile(params.sessionId), "utf8")) as string[];
    // The conversation so far, replayed before the answer (ACP's session/load contract).
    for (const [i, earlier] of history.entries()) {
      await client.notify(acp.methods.client.session.update, {
        sessionId: SESSION_ID,
        update: { sessionUpdate: "user_message_chunk", content: { type: "text", text: earlier } },
      });
      await client.notify(acp.methods.client.session.update, {
        sessionId: SESSION_ID,
        update: { sessionUpdate: "agent_message_chunk", content: { type: "text", text: `[replayed answer ${i + 1}]` } },
      });
    }
    return {};
  })
  .onRequest(acp.methods.agent.session.setMode, async ({ params }) => {
    mode = params.modeId;
    return {};
  })
  .onRequest(acp.methods.agent.session.setConfigOption, async ({ params }) => {
    if (params.configId === "model" && typeof params.value === "string") model = params.value;
    return { configOptions: [] };
  })
  .onRequest(acp.methods.agent.session.prompt, async ({ client, params }) => {
    const promptText = params.prompt.map((b) => (b.type === "text" ? b.text : "")).join("");
    currentPrompt = promptText;
    turnCount += 1;
    if (script.sessions) {
      history.push(promptText);
      fs.mkdirSync(script.sessions, { recursive: true });
      fs.writeFileSync(sessionFile(SESSION_ID), JSON.stringify(history));
      await client.notify(acp.methods.client.session.update, {
        sessionId: SESSION_ID,
        update: { sessionUpdate: "agent_message_chunk", content: { type: "text", text: `[session ${SESSION_ID} turn ${history.length}]` } },
      });
    }
    await client.notify(acp.methods.client.session.update, {
      sessionId: SESSION_ID,
      update: { sessionUpdate: "user_message_chunk", content: { type: "text", text: promptText } },
    });
    if (model !== "fake-small") {
      await client.notify(acp.methods.client.session.update, {
        sessionId: SESSION_ID,
        update: { sessionUpdate: "agent_message_chunk", content: { type: "text", text: `[model ${model}]` } },
      });
    }
    if (mode !== "default") {
      await client.notify(acp.methods.client.session.update, {
        sessionId: SESSION_ID,
        update: { sessionUpdate: "agent_message_chunk", content: { type: "text", text: `[mode ${mode}]` } },
      });
    }
    for (const step of script.turns[turnCount - 1] ?? script.steps) {
      if ((await runStep(client, step)) === "cancelled") return { stopReason: "cancelled" };
    }
    if (script.promptError) throw acp.RequestError.internalError({ reason: script.promptError }, script.promptError);
    const response: acp.PromptResponse & { usage?: unknown } = { stopReason: script.stopReason };
    if (script.promptUsage) response.usage = script.promptUsage;
    return response;
  })
  .onNotification(acp.methods.agent.session.cancel, async () => {
    cancelled = true;
    onCancel();
  });

/** Stdin unchanged, with each client message's method and params appended to `file` as it passes. */
function recordingWire(input: ReadableStream<Uint8Array>, file: string): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  let pending = "";
  return input.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        pending += decoder.decode(chunk, { stream: true });
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) {
          if (!line.trim()) continue;
          let message: { method?: string; params?: unknown };
          try {
            message = JSON.parse(line) as typeof message;
          } catch {
            fs.appendFileSync(file, JSON.stringify({ method: null, raw: line }) + "\n");
            continue;
          }
          // Answers to the agent's own requests have no method: not what the client sent of its own.
          if (message.method) fs.appendFileSync(file, JSON.stringify({ method: message.method, params: message.params ?? null }) + "\n");
        }
        controller.enqueue(chunk);
      },
    }),
  );
}

const stdin = Readable.toWeb(process.stdin) as ReadableStream<Uint8Array>;
const connection = app.connect(acp.ndJsonStream(Writable.toWeb(process.stdout), script.wireLog ? recordingWire(stdin, script.wireLog) : stdin));
await connection.closed;
