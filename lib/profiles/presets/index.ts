/**
 * Agent presets: one JSON file each (the data), read by one pure function (apply-preset.ts).
 * Adding an agent is adding a file here and a line below.
 */
import claudeCode from "./claude-code.json";
import codex from "./codex.json";
import geminiCli from "./gemini-cli.json";
import openaiCompatible from "./openai-compatible.json";
import opencode from "./opencode.json";
import qwenCode from "./qwen-code.json";
import { presetSchema, type Preset } from "./schema";

export const PRESETS: readonly Preset[] = [claudeCode, geminiCli, opencode, qwenCode, codex, openaiCompatible].map((raw) => presetSchema.parse(raw));

export function findPreset(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}
