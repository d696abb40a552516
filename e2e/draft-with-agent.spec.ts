/**
 * "Draft with an agent" in Chromium (issue 18), against a scripted OpenAI-compatible model on
 * 127.0.0.1 behind a real `openai` profile made through the API. From the flows page: the
 * model's first draft has a cycle and an unknown reference, Baton sends both problems back,
 * the second draft is valid and opens in the designer of a flow not created yet (/flows/new)
 * unsaved with its summary — no flow exists until Save creates it with the draft as v1, and
 * running it succeeds; a draft left unsaved (or a dialog cancelled) leaves no flow behind. In the designer: drafts that stay invalid end with the
 * last draft's problems (and can be opened anyway), a failing agent with its error; while the
 * agent works, each round shows live (its validate_flow call and problem count, its words, the
 * problems Baton sent back) before the draft lands; Stop ends the agent's model request.
 */
import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { startModelServer, type ModelServer, type ScriptedTurn } from "../lib/agents/testing/model-server";
import { EditorPage } from "./pages/editor-page";
import { chain, createFlowViaApi, unique } from "./pages/flow-fixtures";
import { RunPage } from "./pages/run-page";
import { broken, repaired } from "../lib/drafts/testing/drafts";

const SHOTS = process.env.BATON_E2E_SHOTS_DIR ?? "test-results/draft-screens";
const PROFILE = "drafter-e2e";

const answer = (doc: unknown, summary: string): ScriptedTurn => ({ text: `\`\`\`json\n${JSON.stringify(doc)}\n\`\`\`\nSummary: ${summary}` });

let model: ModelServer;
const chats = () => model.requests.filter((r) => r.format === "chat");
/** The model's next answers, whatever was asked before (turns are counted per request). */
const scriptNext = (turns: ScriptedTurn[]) => model.setScript([...chats().map(() => ({ text: "ok" })), ...turns]);

test.beforeAll(async ({ request }) => {
  model = await startModelServer([], { turns: "request" });
  // A worker that replaces a failed one runs this again, with a new model server: start over.
  await request.delete(`/api/profiles/${PROFILE}`);
  const response = await request.post("/api/profiles", {
    data: { id: PROFILE, backend: "openai", label: "Scripted drafter", config: { baseURL: `${model.origin}/v1`, model: "scripted" } },
  });
  expect(response.status(), await response.text()).toBe(201);
  fs.mkdirSync(SHOTS, { recursive: true });
});

test.afterAll(async () => {
  await model?.close();
});

/** Every flow's id (agents' one-node flows included), sorted. */
async function flowIds(request: APIRequestContext): Promise<string[]> {
  const response = await request.get("/api/flows?include=agents");
  expect(response.status()).toBe(200);
  return ((await response.json()) as { flows: Array<{ id: string }> }).flows.map((f) => f.id).sort();
}

async function openDialogAndAsk(page: Page, task: string, maxDrafts?: number) {
  const dialog = page.getByTestId("agent-draft-dialog");
  const picker = dialog.getByTestId("agent-draft-profile");
  await expect(picker).toHaveAttribute("data-checked", "yes");
  await picker.selectOption(PROFILE);
  await dialog.getByTestId("agent-draft-task").fill(task);
  if (maxDrafts) await dialog.getByTestId("agent-draft-attempts").fill(String(maxDrafts));
  await dialog.getByTestId("agent-draft-start").click();
  return dialog;
}

test("from the flows page: the first draft's problems go back to the agent, the valid second opens unsaved with its summary, then saves and runs", async ({ page, request }) => {
  test.setTimeout(120_000);
  scriptNext([answer(broken, "first try"), answer(repaired, "Plans the change, then builds the plan.")]);
  const before = await flowIds(request);
  await page.goto("/flows");
  await page.getByTestId("draft-with-agent").click();
  const picker = page.getByTestId("agent-draft-profile");
  await expect(picker).toHaveAttribute("data-checked", "yes");
  // A profile that can't run now is listed, marked, and not selectable.
  await expect(picker.locator('option[value="codex"]')).toContainText("(not installed)");
  await expect(picker.locator('option[value="codex"]')).toBeDisabled();
  await expect(picker.locator(`option[value="${PROFILE}"]`)).toBeEnabled();
  await openDialogAndAsk(page, "Plan a change and build it");

  await page.waitForURL(/\/flows\/new$/);
  const editor = new EditorPage(page);
  await editor.waitLoaded();
  const banner = page.getByTestId("agent-draft-banner");
  await expect(banner).toContainText(`Drafted by ${PROFILE} (2 drafts`);
  await expect(banner).toContainText("not saved");
  await expect(page.getByTestId("agent-draft-summary")).toHaveText("Plans the change, then builds the plan.");
  await expect(page.getByTestId("dirty-indicator")).toBeVisible();
  await expect(page.getByTestId("editor-version")).toHaveText("new");
  await expect(editor.node("plan")).toBeVisible();
  await expect(editor.node("build")).toBeVisible();
  await expect(editor.edge("plan", "build")).toHaveCount(1);
  await expect(editor.edge("build", "plan")).toHaveCount(0);
  await expect(page.getByTestId("issue-count")).toHaveText("valid");
  await page.screenshot({ path: path.join(SHOTS, "draft-unsaved.png") });

  // The agent saw both problems of its first draft; nothing was saved or run.
  const [first, second] = chats().slice(-2).map((r) => JSON.stringify(r.body.messages));
  expect(first).toContain("Task: Plan a change and build it");
  expect(second).toContain("cycle: plan → build → plan");
  expect(second).toContain('refers to unknown step \\"research\\"');
  expect(await flowIds(request)).toEqual(before);

  await editor.save();
  await page.waitForURL(/\/flows\/flow_/);
  await editor.expectSaved(1);
  await expect(banner).toHaveCount(0);
  const flowId = editor.flowId();
  expect(await flowIds(request)).toEqual([...before, flowId].sort());
  const stored = (await (await request.get(`/api/flows/${flowId}`)).json()) as { version: number; document: { nodes: Array<{ id: string }> } };
  expect(stored.version).toBe(1);
  expect(stored.document.nodes.map((n) => n.id)).toEqual(["plan", "build"]);
  expect(((await (await request.get(`/api/runs?flow=${flowId}`)).json()) as { runs: unknown[] }).runs).toHaveLength(0);
  await page.getByTestId("run-button").click();
  const runDialog = page.getByTestId("run-dialog");
  await runDialog.getByTestId("run-input-task").fill("add a greeting");
  await runDialog.getByTestId("run-submit").click();
  await page.waitForURL(/\/runs\//);
  await new RunPage(page).expectStatus("succeeded", 60_000);
});

test("from the flows page: a cancelled dialog or a draft left unsaved creates no flow", async ({ page, request }) => {
  const before = await flowIds(request);
  await page.goto("/flows");
  await page.getByTestId("draft-with-agent").click();
  await page.getByTestId("agent-draft-dialog").getByRole("button", { name: "Close", exact: true }).last().click();
  await expect(page.getByTestId("agent-draft-dialog")).toHaveCount(0);
  expect(await flowIds(request)).toEqual(before);

  scriptNext([answer(repaired, "Plans, then builds.")]);
  await page.getByTestId("draft-with-agent").click();
  await openDialogAndAsk(page, "Plan a change and build it");
  await page.waitForURL(/\/flows\/new$/);
  const editor = new EditorPage(page);
  await editor.waitLoaded();
  await expect(editor.node("build")).toBeVisible();
  // A reload opens the same unsaved draft again; still nothing on the server.
  page.once("dialog", (dialog) => void dialog.accept());
  await page.reload();
  await editor.waitLoaded();
  await expect(editor.node("plan")).toBeVisible();
  await expect(page.getByTestId("agent-draft-banner")).toContainText("not saved");
  // Leaving asks (unsaved work); leaving anyway leaves nothing behind.
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByTestId("editor-toolbar").getByRole("link", { name: "Flows" }).click();
  await page.waitForURL(/\/flows$/);
  await expect(page.getByTestId("flows-table")).toBeVisible();
  expect(await flowIds(request)).toEqual(before);
});

test("in the designer: a failing agent ends with its error; drafts that stay invalid end with the last draft's problems, which can be opened anyway", async ({ page, request }) => {
  const editor = new EditorPage(page);
  await editor.goto(await createFlowViaApi(request, chain(unique("Draft errors"))));

  scriptNext([{ status: 401 }]);
  await page.getByTestId("draft-with-agent").click();
  const dialog = await openDialogAndAsk(page, "Plan a change and build it");
  const status = dialog.getByTestId("agent-draft-status");
  await expect(status).toHaveAttribute("data-state", "failed");
  await expect(status).toContainText(`No draft. the drafting agent (${PROFILE}) failed: HTTP 401`);

  scriptNext([answer(broken, "still looping")]);
  await dialog.getByTestId("agent-draft-attempts").fill("1");
  await dialog.getByTestId("agent-draft-start").click();
  await expect(status).toHaveAttribute("data-state", "invalid");
  await expect(status).toContainText("No valid flow after 1 draft. The last draft still has 2 problems");
  const issues = dialog.getByTestId("agent-draft-issues");
  await expect(issues).toContainText("cycle: plan → build → plan");
  await expect(issues).toContainText('refers to unknown step "research"');
  await expect(dialog.getByTestId("agent-draft-attempt")).toHaveAttribute("data-state", "invalid");
  await page.screenshot({ path: path.join(SHOTS, "draft-invalid.png") });

  await dialog.getByTestId("agent-draft-open-anyway").click();
  await expect(page.getByTestId("agent-draft-banner")).toContainText("It still has problems");
  await expect(editor.node("build")).toBeVisible();
  await expect(editor.issues()).toHaveCount(2);
  await expect(page.getByTestId("dirty-indicator")).toBeVisible();
  await expect(page.getByTestId("run-button")).toBeDisabled();
});

test("in the designer: the dialog shows each round live — the agent's validate_flow call with its problem count, its words, the problems sent back — before the draft lands unsaved", async ({ page, request }) => {
  const editor = new EditorPage(page);
  await editor.goto(await createFlowViaApi(request, chain(unique("Draft progress"))));
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  // Round 1: the model checks its broken draft with validate_flow, then answers with it anyway;
  // round 2 (the repair) is held until the test has seen round 1's progress.
  scriptNext([
    { toolCalls: [{ name: "validate_flow", args: { document: broken } }] },
    answer(broken, "first try"),
    { ...answer(repaired, "Plans the change, then builds the plan."), after: held },
  ]);
  await page.getByTestId("draft-with-agent").click();
  const dialog = await openDialogAndAsk(page, "Plan a change and build it");
  const status = dialog.getByTestId("agent-draft-status");
  await expect(status).toHaveAttribute("data-state", "drafting");

  const first = dialog.locator('[data-testid="agent-draft-attempt"][data-attempt="1"]');
  const tool = first.getByTestId("agent-draft-tool");
  await expect(tool).toHaveAttribute("data-tool", "validate_flow");
  await expect(tool).toHaveText("⚙ validate_flow: 2 problems");
  await expect(tool).toHaveAttribute("data-status", "completed");
  await expect(first.getByTestId("agent-draft-text")).toContainText("[JSON] Summary: first try");
  await expect(first).toHaveAttribute("data-state", "invalid");
  await expect(first).toContainText("Draft 1 of at most 3: 2 problems — sent back to the agent");
  const sentBack = first.getByTestId("agent-draft-round-problems");
  await expect(sentBack).toContainText("edges[1]: cycle: plan → build → plan");
  await expect(sentBack).toContainText('nodes[1].config.prompt: {{steps.research.output}} refers to unknown step "research"');
  const second = dialog.locator('[data-testid="agent-draft-attempt"][data-attempt="2"]');
  await expect(second).toHaveAttribute("data-state", "asking");
  await expect(second).toContainText(`${PROFILE} is repairing it…`);
  // Nothing has landed yet: the repair is still being written.
  await expect(page.getByTestId("agent-draft-banner")).toHaveCount(0);
  await expect(editor.node("plan")).toHaveCount(0);
  await page.screenshot({ path: path.join(SHOTS, "draft-progress.png") });

  const canvas = page.getByTestId("flow-editor");
  const laidOut = Number(await canvas.getAttribute("data-layouts-done"));
  release();
  // The draft is laid out (ELK) before it lands, and the dialog closes once it has: seconds on a busy machine.
  await expect(canvas).toHaveAttribute("data-layouts-done", String(laidOut + 1), { timeout: 30_000 });
  const banner = page.getByTestId("agent-draft-banner");
  await expect(banner).toContainText(`Drafted by ${PROFILE} (2 drafts`);
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId("agent-draft-summary")).toHaveText("Plans the change, then builds the plan.");
  await expect(page.getByTestId("dirty-indicator")).toBeVisible();
  await expect(editor.node("plan")).toBeVisible();
  await expect(editor.edge("plan", "build")).toHaveCount(1);
  await expect(page.getByTestId("issue-count")).toHaveText("valid");
});

test("in the designer: Stop drafting ends the agent's turn (its model request is dropped) and keeps what it did so far", async ({ page, request }) => {
  const editor = new EditorPage(page);
  await editor.goto(await createFlowViaApi(request, chain(unique("Draft stop"))));
  scriptNext([{ hang: true }]);
  const asked = chats().length;
  await page.getByTestId("draft-with-agent").click();
  const dialog = await openDialogAndAsk(page, "Plan a change and build it");
  await expect(dialog.locator('[data-testid="agent-draft-attempt"][data-attempt="1"]')).toHaveAttribute("data-state", "asking");
  await expect.poll(() => chats().length).toBe(asked + 1);
  await expect.poll(() => model.inFlight()).toBe(1);

  await dialog.getByTestId("agent-draft-cancel").click();
  const status = dialog.getByTestId("agent-draft-status");
  await expect(status).toHaveAttribute("data-state", "stopped");
  await expect(status).toContainText("Stopped.");
  await expect(dialog.locator('[data-testid="agent-draft-attempt"][data-attempt="1"]')).toContainText("no answer");
  // The server stopped the agent: its request to the model went away with the dialog's.
  await expect.poll(() => model.inFlight(), { timeout: 15_000 }).toBe(0);
  await expect(page.getByTestId("agent-draft-banner")).toHaveCount(0);
  await expect(dialog.getByTestId("agent-draft-start")).toHaveText("Try again");
});
