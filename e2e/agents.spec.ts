/**
 * Settings → Agents: adding an agent from its preset and testing its connection, with the real
 * qwen-code CLI (installed into the test cache when missing) — a real `initialize`, its time
 * shown — and the errors a user meets: a literal API key, a binary that isn't there.
 */
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { realAgentBinary } from "../lib/agents/testing/real-agents";
import { AgentsPage } from "./pages/agents-page";

const SHOTS = process.env.BATON_E2E_SHOTS_DIR ?? "test-results/agents-screens";

test.describe("agent presets", () => {
  test("add Qwen Code from its preset, then Test connection runs a real initialize", async ({ page, request }) => {
    test.setTimeout(15 * 60_000);
    const binary = await realAgentBinary("qwen");
    const agents = new AgentsPage(page);
    await agents.goto();
    const form = await agents.choosePreset("qwen-code");
    // Only what varies is asked; defaults are filled in.
    await expect(form.getByTestId("preset-input-model")).toHaveValue("qwen3-coder-plus");
    await expect(form.getByTestId("preset-input-apiKey")).toHaveValue("$DASHSCOPE_API_KEY");
    await expect(form.getByTestId("preset-input-id")).toHaveValue("qwen-2"); // "qwen" is a seeded profile

    // A literal key is refused, naming the field; nothing is created.
    await agents.fill(form, { apiKey: "sk-live-0123456789abcdef", baseURL: "localhost:8080" });
    await form.getByTestId("preset-add").click();
    await expect(form.getByTestId("preset-error-apiKey")).toContainText("environment variable reference");
    await expect(form.getByTestId("preset-error-baseURL")).toContainText("http://");
    expect((await (await request.get("/api/profiles/qwen-2")).status())).toBe(404);

    await agents.fill(form, { id: "qwen-e2e", binary, model: "qwen3-coder", baseURL: "http://127.0.0.1:9/v1", apiKey: "$BATON_E2E_QWEN_KEY" });
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, "agents-preset-form.png"), fullPage: true });
    await form.getByTestId("preset-add").click();
    const row = agents.row("qwen-e2e");
    await expect(row).toBeVisible();
    // Added profiles are tested at once: one real initialize, with its time.
    const badge = row.getByTestId("availability-available");
    await expect(badge).toHaveAttribute("data-checked", "started", { timeout: 120_000 });
    await expect(row.getByTestId("availability-reason")).toContainText(/qwen-code 0\.24\.4 answered initialize in \d+ ms/);
    await page.screenshot({ path: path.join(SHOTS, "agents-added.png"), fullPage: true });

    // The profile holds what qwen needs: its settings file goes to the profile's own HOME.
    const profile = (await (await request.get("/api/profiles/qwen-e2e")).json()) as { config: Record<string, unknown> };
    expect(profile.config).toMatchObject({ command: [binary, "--acp"], mode: "default", env: { OPENAI_API_KEY: "$BATON_E2E_QWEN_KEY", OPENAI_MODEL: "qwen3-coder" } });
    expect(Object.keys(profile.config.homeFiles as object)).toEqual([".qwen/settings.json"]);

    // Test connection again on request.
    await row.getByTestId("availability-test").click();
    await expect(row.getByTestId("availability-available")).toHaveAttribute("data-checked", "started", { timeout: 120_000 });
  });

  test("a preset whose binary is missing says so, and Test connection shows the error verbatim", async ({ page }) => {
    const agents = new AgentsPage(page);
    await agents.goto();
    const form = await agents.choosePreset("gemini-cli");
    await agents.fill(form, { id: "gemini-missing", binary: "/opt/nowhere/gemini", apiKey: "$GEMINI_API_KEY" });
    await form.getByTestId("preset-add").click();
    const row = agents.row("gemini-missing");
    await expect(row.getByTestId("availability-unavailable")).toBeVisible({ timeout: 60_000 });
    await expect(row.getByTestId("availability-reason")).toHaveText("/opt/nowhere/gemini not found");
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, "agents-missing.png"), fullPage: true });
  });
});
