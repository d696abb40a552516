import { expect, type Locator, type Page } from "@playwright/test";
import type { NodeKind } from "../../lib/kinds";

/** Page object for the flow editor (/flows/:id). */
export class EditorPage {
  constructor(readonly page: Page) {}

  async goto(flowId: string): Promise<void> {
    await this.page.goto(`/flows/${flowId}`);
    await this.waitLoaded();
  }

  async waitLoaded(): Promise<void> {
    await expect(this.page.getByTestId("flow-editor")).toBeVisible();
    await expect(this.page.locator(".react-flow__node").first()).toBeVisible();
  }

  flowId(): string {
    const match = /\/flows\/([^/?#]+)/.exec(this.page.url());
    if (!match) throw new Error(`not on an editor page: ${this.page.url()}`);
    return match[1];
  }

  node(id: string): Locator {
    return this.page.getByTestId(`node-${id}`);
  }

  nodes(): Locator {
    return this.page.locator(".react-flow__node");
  }

  edges(): Locator {
    return this.page.getByTestId("canvas").locator(".baton-edge");
  }

  /** An edge's <g>; assert with toHaveCount/toBeAttached (a straight edge has a zero-height box). */
  edge(from: string, to: string): Locator {
    return this.page.getByTestId(`edge-${from}->${to}`);
  }

  field(testId: string): Locator {
    return this.page.getByTestId("inspector").getByTestId(testId);
  }

  issues(): Locator {
    return this.page.getByTestId("issues-panel").getByTestId("issue");
  }

  async addByClick(kind: NodeKind): Promise<void> {
    await this.page.getByTestId(`palette-${kind}`).click();
  }

  async addByDrag(kind: NodeKind, to: { x: number; y: number }): Promise<void> {
    await this.page.getByTestId(`palette-${kind}`).dragTo(this.page.getByTestId("canvas"), { targetPosition: to });
  }

  async select(id: string): Promise<void> {
    // Click the card's header area (not a handle) to select it.
    await this.node(id).click({ position: { x: 120, y: 10 } });
    await expect(this.field("field-id")).toHaveValue(id);
  }

  /** Drags from `from`'s output handle to `to`'s input handle; `whileOver` runs before releasing. */
  async connect(from: string, to: string, whileOver?: () => Promise<void>): Promise<void> {
    const source = await this.page.getByTestId(`handle-out-${from}`).boundingBox();
    const target = await this.page.getByTestId(`handle-in-${to}`).boundingBox();
    if (!source || !target) throw new Error(`handles of ${from} → ${to} not visible`);
    await this.page.mouse.move(source.x + source.width / 2, source.y + source.height / 2);
    await this.page.mouse.down();
    await this.page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 12 });
    if (whileOver) await whileOver();
    await this.page.mouse.up();
  }

  async save(): Promise<void> {
    await this.page.getByTestId("save-button").click();
  }

  async expectSaved(version: number): Promise<void> {
    await expect(this.page.getByTestId("saved-indicator")).toBeVisible();
    await expect(this.page.getByTestId("editor-version")).toHaveText(`v${version}`);
  }

  /**
   * Auto-layout, and wait until it is over: the editor counts finished layouts (ELK computed,
   * positions applied, the fit animation ended) in data-layouts-done. Waiting for the viewport
   * to look still is not enough — before ELK answers, nothing moves yet.
   */
  async layout(): Promise<void> {
    const editor = this.page.getByTestId("flow-editor");
    const before = Number(await editor.getAttribute("data-layouts-done"));
    await this.page.getByTestId("auto-layout").click();
    await expect(editor).toHaveAttribute("data-layouts-done", String(before + 1));
    await expect(editor).toHaveAttribute("data-layout", "idle");
  }
}
