/**
 * A preset + what the user typed → a profile to create. Pure (shared by the settings page
 * and its tests); the server still validates the result like any profile.
 */
import { envReferenceName } from "../env";
import type { Preset } from "./schema";

export type PresetValues = Record<string, string>;

export interface PresetIssue {
  /** `values.<field>` or `id`. */
  path: string;
  message: string;
}

export interface PresetProfile {
  id: string;
  backend: Preset["backend"];
  label: string;
  config: Record<string, unknown>;
}

const DROP = Symbol("drop");
type Rendered = unknown | typeof DROP;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function substitute(text: string, values: PresetValues): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? "");
}

function render(template: unknown, values: PresetValues): Rendered {
  if (typeof template === "string") return substitute(template, values);
  if (Array.isArray(template)) return template.map((item) => render(item, values)).filter((item) => item !== DROP);
  if (!isObject(template)) return template;
  if (typeof template.$if === "string") {
    if (values[template.$if]?.trim()) return render(template.value, values);
    return "else" in template ? render(template.else, values) : DROP;
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    const rendered = render(value, values);
    if (rendered !== DROP) out[substitute(key, values)] = rendered;
  }
  return out;
}

/** homeFiles entries as file contents: objects as JSON, arrays as lines. */
function fileContents(homeFiles: unknown): Record<string, string> {
  if (!isObject(homeFiles)) return {};
  return Object.fromEntries(
    Object.entries(homeFiles).map(([file, content]) => [
      file,
      typeof content === "string" ? content : Array.isArray(content) ? content.map(String).join("\n") : `${JSON.stringify(content, null, 2)}\n`,
    ]),
  );
}

/** Field values with defaults filled in and whitespace trimmed. */
export function presetValues(preset: Preset, typed: PresetValues): PresetValues {
  return Object.fromEntries(preset.fields.map((f) => [f.key, (typed[f.key] ?? f.default ?? "").trim()]));
}

export function checkPresetValues(preset: Preset, values: PresetValues): PresetIssue[] {
  const issues: PresetIssue[] = [];
  for (const field of preset.fields) {
    const value = values[field.key] ?? "";
    const path = `values.${field.key}`;
    if (!value) {
      if (field.required) issues.push({ path, message: "is required" });
      continue;
    }
    if (field.kind === "envRef" && envReferenceName(value) === null) {
      issues.push({ path, message: 'must be an environment variable reference like "$API_KEY" — secrets are never stored' });
    }
    if (field.kind === "url" && !/^https?:\/\/[^\s]+$/.test(value)) issues.push({ path, message: "must be a URL starting with http:// or https://" });
    if (field.kind === "binary" && /\s/.test(value) && !value.includes("/")) issues.push({ path, message: "must be one program (a name on PATH or a path), no arguments" });
  }
  return issues;
}

/** The profile a preset makes, or the issues that stop it. */
export function applyPreset(preset: Preset, typed: PresetValues, id?: string): { ok: true; profile: PresetProfile } | { ok: false; issues: PresetIssue[] } {
  const values = presetValues(preset, typed);
  const issues = checkPresetValues(preset, values);
  if (issues.length > 0) return { ok: false, issues };
  const config = render(preset.profile.config, values) as Record<string, unknown>;
  if ("homeFiles" in config) config.homeFiles = fileContents(config.homeFiles);
  if (isObject(config.env) && Object.keys(config.env).length === 0) delete config.env;
  return {
    ok: true,
    profile: { id: id?.trim() || preset.profile.id, backend: preset.backend, label: substitute(preset.profile.label, values), config },
  };
}
