import { expect, type Locator, type Page } from "@playwright/test";

/** Page object for /flows. */
export class FlowsListPage {
  constructor(readonly page: Page) {}

  async goto(): Promise<void> {
    await this.page.goto("/flows");
    await expect(this.page.getByTestId("flows-table")).toBeVisible();
  }

  row(name: string): Locator {
    return this.page.getByTestId("flow-row").filter({ has: this.page.getByTestId("flow-link").getByText(name, { exact: true }) });
  }

  async createEmpty(name: string): Promise<void> {
    await this.page.getByTestId("new-flow").click();
    await this.page.getByTestId("new-flow-name").fill(name);
    await this.page.getByTestId("new-flow-create").click();
    await this.page.waitForURL(/\/flows\/flow_/);
  }

  /** The row stays addressable by id while its name is being edited. */
  async rowById(name: string): Promise<Locator> {
    const id = await this.row(name).getAttribute("data-flow-id");
    return this.page.locator(`[data-testid="flow-row"][data-flow-id="${id}"]`);
  }

  async rename(from: string, to: string): Promise<void> {
    const row = await this.rowById(from);
    await row.getByTestId("flow-rename").click();
    await row.getByTestId("rename-input").fill(to);
    await row.getByTestId("rename-save").click();
  }

  async remove(name: string): Promise<void> {
    const row = await this.rowById(name);
    await row.getByTestId("flow-delete").click();
    await expect(row.getByTestId("delete-confirm")).toContainText(name);
    await row.getByTestId("delete-confirm-yes").click();
  }

  async importJson(json: string): Promise<void> {
    await this.page.getByTestId("import-flow").click();
    await this.page.getByTestId("import-text").fill(json);
    await this.page.getByTestId("import-submit").click();
  }
}
