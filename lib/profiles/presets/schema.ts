/** The shape of a preset file (presets/*.json). */
import { z } from "zod";

export const presetFieldSchema = z.strictObject({
  key: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/),
  label: z.string(),
  /** binary: a program (found on PATH or typed); envRef: a "$VAR" reference; url: http(s). */
  kind: z.enum(["binary", "text", "url", "envRef"]),
  default: z.string().optional(),
  placeholder: z.string().optional(),
  hint: z.string().optional(),
  required: z.boolean().default(false),
});
export type PresetField = z.infer<typeof presetFieldSchema>;

export const presetSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  summary: z.string(),
  install: z.string(),
  backend: z.enum(["acp", "openai"]),
  fields: z.array(presetFieldSchema),
  /**
   * The profile it makes, as a template: "{{field}}" in any string or key is the field's
   * value; `{"$if": field, "value": X, "else"?: Y}` is X when the field is filled, else Y
   * (or left out). In `config.homeFiles`, an object is written as JSON and an array of
   * lines as text.
   */
  profile: z.strictObject({ id: z.string(), label: z.string(), config: z.record(z.string(), z.unknown()) }),
  notes: z.string().optional(),
});
export type Preset = z.infer<typeof presetSchema>;
