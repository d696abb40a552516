/**
 * The step's output is the agent's final answer: the text after its last tool call (the last
 * non-empty stretch of text between tool calls). Notices an agent streams before working
 * (Claude's billing notice, Codex's model-metadata warning) stay in the transcript — the
 * text-chunk events — but not in `{{steps.x.output}}`.
 */
export class FinalAnswer {
  private last = "";
  private current = "";
  text(chunk: string): void {
    this.current += chunk;
  }
  toolCall(): void {
    if (this.current.trim()) this.last = this.current;
    this.current = "";
  }
  toString(): string {
    return (this.current.trim() ? this.current : this.last).trim();
  }
}
