import { expect, type Locator, type Page } from "@playwright/test";

/** Page object for /settings/agents. */
export class AgentsPage {
  constructor(readonly page: Page) {}

  async goto(): Promise<void> {
    await this.page.goto("/settings/agents");
    await expect(this.page.getByTestId("profiles-table")).toBeVisible();
  }

  row(id: string): Locator {
    return this.page.locator(`[data-testid="profile-row"][data-profile-id="${id}"]`);
  }

  async choosePreset(preset: string): Promise<Locator> {
    await this.page.getByTestId("agent-add").click();
    await this.page.locator(`[data-testid="preset-option"][data-preset="${preset}"]`).click();
    const form = this.page.getByTestId("preset-form");
    await expect(form).toHaveAttribute("data-preset", preset);
    return form;
  }

  async fill(form: Locator, values: Record<string, string>): Promise<void> {
    for (const [key, value] of Object.entries(values)) await form.getByTestId(`preset-input-${key}`).fill(value);
  }
}
