import { expect, type APIRequestContext, type Locator, type Page } from "@playwright/test";

/** Runs on the bundled example repo (as the run dialog does by default), so code steps get diffs. */
export async function exampleRepo(request: APIRequestContext): Promise<string> {
  const response = await request.get("/api/settings");
  const body = (await response.json()) as { exampleRepo: string | null };
  expect(typeof body.exampleRepo).toBe("string");
  return body.exampleRepo!;
}

export async function createFlow(request: APIRequestContext, document: Record<string, unknown>): Promise<string> {
  const response = await request.post("/api/flows", { data: document });
  expect(response.status(), await response.text()).toBeLessThan(300);
  return ((await response.json()) as { id: string }).id;
}

export async function startRunByApi(request: APIRequestContext, flowId: string, task = "e2e task"): Promise<string> {
  const repo = await exampleRepo(request);
  const response = await request.post(`/api/flows/${flowId}/runs`, { data: { inputs: { task }, repo } });
  expect(response.status(), await response.text()).toBeLessThan(300);
  const body = (await response.json()) as { id?: string; run?: { id: string } };
  const id = body.run?.id ?? body.id;
  expect(typeof id).toBe("string");
  return id!;
}

/** Page object for /runs/:id. */
export class RunPage {
  constructor(readonly page: Page) {}

  async goto(runId: string): Promise<void> {
    await this.page.goto(`/runs/${runId}`);
    await expect(this.page.getByTestId("run-page")).toBeVisible();
  }

  status(): Locator {
    return this.page.getByTestId("run-status");
  }

  async expectStatus(status: string, timeout = 30_000): Promise<void> {
    await expect(this.status()).toHaveAttribute("data-status", status, { timeout });
  }

  bars(stepKey: string): Locator {
    return this.page.locator(`[data-testid="timeline-bar"][data-step-key="${stepKey}"]`);
  }

  sublane(stepKey: string): Locator {
    return this.page.locator(`[data-testid="timeline-sublane"][data-key="${stepKey}"]`);
  }

  async selectStep(stepKey: string): Promise<void> {
    await this.bars(stepKey).last().click();
    await expect(this.panel()).toHaveAttribute("data-step-key", stepKey);
  }

  panel(): Locator {
    return this.page.getByTestId("step-panel");
  }

  node(nodeId: string): Locator {
    return this.page.getByTestId(`node-${nodeId}`);
  }

  nodeState(nodeId: string): Locator {
    return this.node(nodeId).getByTestId("node-status");
  }
}

/** What a person sees of a finished run: header, graph overlays, timeline, and each step's panel. */
export interface RunView {
  status: string | null;
  usage: string;
  nodes: Record<string, string>;
  bars: string[];
  winners: string[];
  panels: Record<string, { state: string | null; attempt: string | null; output: string; usage: string }>;
}

/**
 * Reads the run page as it is now. Selects each step's latest bar in turn (so the panel shows
 * its current attempt) and reads the panel; the same clicks on two pages give comparable views.
 */
export async function captureRunView(page: Page): Promise<RunView> {
  const run = new RunPage(page);
  // The graph lays out after the page loads; its cards carry the node states.
  await expect(page.getByTestId("node-status").first()).toBeVisible({ timeout: 30_000 });
  const status = await run.status().getAttribute("data-status");
  const usage = (await page.getByTestId("run-usage").innerText()).trim();
  const nodes = Object.fromEntries(
    await page.locator('[data-testid^="node-"]:has([data-testid="node-status"])').evaluateAll((els) =>
      els.map((el) => [el.getAttribute("data-testid") ?? "", (el.querySelector('[data-testid="node-status"]') as HTMLElement).innerText.replace(/\s+\d[\d.]*\s*(ms|s)$|\s+\d+m \d+s$/, "").trim()]),
    ),
  ) as Record<string, string>;
  const bars = await page
    .getByTestId("timeline-bar")
    .evaluateAll((els) => els.map((el) => `${el.getAttribute("data-step-key")}#${el.getAttribute("data-attempt")}:${el.getAttribute("data-state")}${el.getAttribute("data-live") === "true" ? ":live" : ""}`));
  const winners = await page.locator('[data-testid="timeline-sublane"][data-winner="true"]').evaluateAll((els) => els.map((el) => el.getAttribute("data-key") ?? ""));
  const keys = [...new Set(bars.map((b) => b.slice(0, b.lastIndexOf("#"))))].sort();
  const panels: RunView["panels"] = {};
  for (const key of keys) {
    await run.selectStep(key);
    const panel = run.panel();
    const outputSection = panel.getByTestId("step-output-section");
    const output = (await outputSection.locator(':scope > [data-testid="step-output"], :scope > div').first().innerText()).trim();
    panels[key] = {
      state: await panel.getByTestId("state-badge").first().getAttribute("data-state"),
      attempt: await panel.getAttribute("data-attempt"),
      output,
      usage: (await panel.getByTestId("step-usage").innerText()).replace(/\s+/g, " ").trim(),
    };
  }
  return { status, usage, nodes, bars: bars.sort(), winners: winners.sort(), panels };
}
