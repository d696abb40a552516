/**
 * What the demo agent says and writes, derived only from the prompt (pure, deterministic):
 * the same prompt always gives the same reply, file and token counts.
 */
import crypto from "node:crypto";

/** The engine's judge prompt lists contestants under this heading (lib/kinds/arena/judge.ts). */
const CONTESTANT_HEADING = /^### Contestant (\S+)/m;
const JUDGE_REQUEST = /winning contestant/i;

export function promptDigest(prompt: string): string {
  return crypto.createHash("sha256").update(prompt).digest("hex").slice(0, 8);
}

function firstLine(prompt: string): string {
  const line = prompt.split("\n").find((l) => l.trim().length > 0)?.trim() ?? "";
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

/** A judge prompt gets a verdict naming the first contestant listed; anything else a summary. */
export function demoReply(prompt: string): string {
  const contestant = CONTESTANT_HEADING.exec(prompt);
  if (contestant && JUDGE_REQUEST.test(prompt)) return `Winner: ${contestant[1]}`;
  const words = prompt.split(/\s+/).filter(Boolean).length;
  return [
    `Demo agent reply (${promptDigest(prompt)}).`,
    `Task: ${firstLine(prompt) || "(empty prompt)"}`,
    `The prompt has ${words} words and ${prompt.length} characters.`,
    `Done: recorded the task in ${demoFileName(prompt)}.`,
  ].join("\n");
}

export function demoFileName(prompt: string): string {
  return `demo-${promptDigest(prompt)}.md`;
}

export function demoFileContent(prompt: string): string {
  return `# Demo change\n\n${firstLine(prompt) || "(empty prompt)"}\n`;
}

/** Splits text into `count` nearly equal chunks (fewer when the text is shorter). */
export function splitChunks(text: string, count: number): string[] {
  const n = Math.max(1, Math.min(count, text.length));
  const size = Math.ceil(text.length / n);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [""];
}

/** Roughly four characters per token, like most tokenizers on English text. */
export function tokenCount(text: string): number {
  return Math.ceil(text.length / 4);
}
