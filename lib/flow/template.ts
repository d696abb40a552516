/**
 * Prompt templates: `{{inputs.<name>}}`, `{{steps.<nodeId>.output|diff|contestants}}`.
 *
 * Pure. Parsing is shared by save-time validation (unknown references are errors, never
 * empty strings) and by the engine's rendering.
 */
/** What every step offers. */
export const EVERY_STEP_FIELDS = ["output", "diff"] as const;
/** Every field a reference may name; beyond EVERY_STEP_FIELDS, a kind offers its own (`referenceFields`, lib/kinds/define.ts). */
export const STEP_FIELDS = [...EVERY_STEP_FIELDS, "contestants"] as const;
export type StepField = (typeof STEP_FIELDS)[number];
/** A field only some kinds offer. */
export type KindStepField = Exclude<StepField, (typeof EVERY_STEP_FIELDS)[number]>;

export type TemplateRef =
  | { kind: "input"; name: string; raw: string; index: number }
  | { kind: "step"; nodeId: string; field: StepField; raw: string; index: number };

export interface TemplateError {
  raw: string;
  index: number;
  message: string;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

export function parseTemplate(text: string): { refs: TemplateRef[]; errors: TemplateError[] } {
  const refs: TemplateRef[] = [];
  const errors: TemplateError[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const raw = match[0];
    const index = match.index ?? 0;
    const body = match[1];
    const parts = body.split(".");
    if (parts[0] === "inputs" && parts.length === 2 && parts[1]) {
      refs.push({ kind: "input", name: parts[1], raw, index });
    } else if (parts[0] === "steps" && parts.length === 3 && parts[1]) {
      const field = parts[2] as StepField;
      if ((STEP_FIELDS as readonly string[]).includes(field)) {
        refs.push({ kind: "step", nodeId: parts[1], field, raw, index });
      } else {
        errors.push({ raw, index, message: `unknown field "${parts[2]}" in ${raw} (use ${STEP_FIELDS.join(", ")})` });
      }
    } else {
      errors.push({
        raw,
        index,
        message: `unknown reference ${raw} (use {{inputs.<name>}} or {{steps.<node>.output}})`,
      });
    }
  }
  return { refs, errors };
}

/** Text cut to `limit` characters ends with this marker, so a reader knows it was cut. */
export function truncationMarker(omitted: number): string {
  return `\n…[truncated: ${omitted} more characters omitted]`;
}

/** Explicit, large cap on a single substituted value (not a small silent cap). */
export const DEFAULT_VALUE_LIMIT = 1_000_000;

export interface RenderOptions {
  resolve(ref: TemplateRef): string;
  valueLimit?: number;
}

/** Substitutes every placeholder; a value over the limit is cut with a visible marker. */
export function renderTemplate(text: string, options: RenderOptions): string {
  const limit = options.valueLimit ?? DEFAULT_VALUE_LIMIT;
  const { refs } = parseTemplate(text);
  if (refs.length === 0) return text;
  let out = "";
  let cursor = 0;
  for (const ref of refs) {
    out += text.slice(cursor, ref.index);
    const value = options.resolve(ref);
    out += value.length > limit ? value.slice(0, limit) + truncationMarker(value.length - limit) : value;
    cursor = ref.index + ref.raw.length;
  }
  return out + text.slice(cursor);
}
