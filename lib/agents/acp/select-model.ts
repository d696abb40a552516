/**
 * Choosing a model on an ACP agent: agents that support it list a `select` config option of
 * category "model" in their `session/new` answer, set with `session/set_config_option`.
 * Pure: finds the option and the value for the requested model.
 */

interface SelectOption {
  value: string;
  name: string;
}

export type ModelChoice =
  | { kind: "set"; configId: string; value: string }
  | { kind: "unsupported" }
  | { kind: "unknown"; available: string[] };

function flatten(options: unknown): SelectOption[] {
  if (!Array.isArray(options)) return [];
  return options.flatMap((o: unknown): SelectOption[] => {
    if (typeof o !== "object" || o === null) return [];
    const record = o as Record<string, unknown>;
    if (Array.isArray(record.options)) return flatten(record.options);
    return typeof record.value === "string" ? [{ value: record.value, name: typeof record.name === "string" ? record.name : record.value }] : [];
  });
}

/** Matches the model by value, then by display name, case-insensitively. */
export function chooseModel(configOptions: unknown, model: string): ModelChoice {
  if (!Array.isArray(configOptions)) return { kind: "unsupported" };
  const option = configOptions.find(
    (o: unknown) => typeof o === "object" && o !== null && (o as Record<string, unknown>).category === "model" && (o as Record<string, unknown>).type === "select",
  ) as Record<string, unknown> | undefined;
  if (!option || typeof option.id !== "string") return { kind: "unsupported" };
  const values = flatten(option.options);
  const wanted = model.toLowerCase();
  const match = values.find((v) => v.value.toLowerCase() === wanted) ?? values.find((v) => v.name.toLowerCase() === wanted);
  if (match) return { kind: "set", configId: option.id, value: match.value };
  return { kind: "unknown", available: values.map((v) => v.value) };
}
