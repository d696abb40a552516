/**
 * Profiles a run can't use, as a user meets them: the settings page tells "installed" apart
 * from "signed in / key set" without starting anything, the designer's pickers mark such
 * profiles, and a run that needs one is refused at its start with the list (nothing runs).
 */
import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { AgentsPage } from "./pages/agents-page";
import { EditorPage } from "./pages/editor-page";

const SHOTS = process.env.BATON_E2E_SHOTS_DIR ?? "test-results/profiles-screens";
const suffix = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

async function createFlow(request: APIRequestContext, document: unknown): Promise<string> {
  const response = await request.post("/api/flows", { data: document });
  expect(response.status(), await response.text()).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

test.describe("unavailable profiles", () => {
  test("settings show installed apart from signed in / key set, and check nothing by starting it", async ({ page, request }) => {
    const id = `keyed-${suffix()}`;
    // A program that is there (so: installed) whose key variable Baton's environment lacks.
    const created = await request.post("/api/profiles", {
      data: { id, backend: "acp", label: "keyed", config: { command: ["/bin/true"], env: { SOME_API_KEY: "$BATON_E2E_UNSET_KEY" } } },
    });
    expect(created.status(), await created.text()).toBe(201);
    const agents = new AgentsPage(page);
    await agents.goto();

    const keyed = page.locator(`[data-testid="profile-row"][data-profile-id="${id}"]`);
    await expect(keyed.getByTestId("availability-available")).toHaveAttribute("data-checked", "installed");
    await expect(keyed.getByTestId("credentials-key-missing")).toHaveText("key not set: $BATON_E2E_UNSET_KEY");

    const demo = page.locator('[data-testid="profile-row"][data-profile-id="demo"]');
    await expect(demo.getByTestId("credentials-none")).toHaveText("none needed");

    // The npx-launched Claude profile: installed means npx is there; nothing was started, and the page says so.
    const claude = page.locator('[data-testid="profile-row"][data-profile-id="claude"]');
    await expect(claude.getByTestId("availability-reason")).toContainText("npx fetches @agentclientprotocol/claude-agent-acp on the first start (this check runs nothing)");
    await expect(claude.getByTestId("credentials-unchecked")).toHaveText("own login, not checked");

    const codex = page.locator('[data-testid="profile-row"][data-profile-id="codex"]');
    await expect(codex.getByTestId("availability-unavailable")).toHaveText("not installed");
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, "settings-credentials.png"), fullPage: true });
  });

  test("pickers mark profiles that can't run, and a run needing them is refused at its start with the list", async ({ page, request }) => {
    const flowId = await createFlow(request, {
      name: `Needs codex ${suffix()}`,
      inputs: [],
      nodes: [
        { id: "plan", kind: "agent", position: { x: 0, y: 0 }, config: { profile: "demo", prompt: "plan" } },
        { id: "code", kind: "agent", position: { x: 320, y: 0 }, config: { profile: "codex", prompt: "code it" } },
      ],
      edges: [{ from: "plan", to: "code" }],
    });
    const editor = new EditorPage(page);
    await page.goto(`/flows/${flowId}`);
    await editor.waitLoaded();
    await editor.select("code");
    const picker = editor.field("field-profile");
    await expect(picker).toHaveAttribute("data-checked", "yes");
    await expect(picker.locator('option[value="codex"]')).toHaveText("codex (not installed)");
    await expect(picker.locator('option[value="demo"]')).toHaveText("demo");
    await expect(editor.field("field-profile-unavailable")).toContainText("codex: not installed — a run using it is refused");
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, "picker-marks.png") });

    const runsBefore = ((await (await request.get(`/api/runs?flow=${flowId}`)).json()) as { runs: unknown[] }).runs.length;
    await page.getByTestId("run-button").click();
    const dialog = page.getByTestId("run-dialog");
    await dialog.getByTestId("run-submit").click();
    await expect(dialog.getByTestId("action-error")).toContainText('profile "codex" (used by code): codex-acp not found on PATH');
    await expect(dialog.getByTestId("action-error")).toContainText("nothing was started");
    await expect(page).toHaveURL(new RegExp(`/flows/${flowId}$`));
    const runsAfter = ((await (await request.get(`/api/runs?flow=${flowId}`)).json()) as { runs: unknown[] }).runs.length;
    expect(runsAfter).toBe(runsBefore);

    // The API says the same with a 409 naming the profile, its step and its node.
    const response = await request.post(`/api/flows/${flowId}/runs`, { data: { inputs: {} } });
    expect(response.status()).toBe(409);
    const body = (await response.json()) as { issues: Array<{ path: string; message: string; nodeId?: string }> };
    expect(body.issues).toEqual([{ path: "profiles.codex", nodeId: "code", message: 'profile "codex" (used by code): codex-acp not found on PATH' }]);
  });
});
