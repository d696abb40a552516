/**
 * Run inputs checked against a flow's declared inputs. Pure.
 *
 * Rules: every value is a string; an undeclared name is an error (a typo would otherwise
 * silently render as nothing); a required input needs a value unless it declares a default;
 * an optional input without a value renders as "" (its default when it has one).
 */
import type { FlowDocument } from "../flow/document";

export interface InputIssue {
  path: string;
  message: string;
}

export type InputResolution =
  | { ok: true; inputs: Record<string, string> }
  | { ok: false; issues: InputIssue[] };

export function resolveInputs(flow: Pick<FlowDocument, "inputs">, given: Record<string, unknown>): InputResolution {
  const issues: InputIssue[] = [];
  const declared = new Map(flow.inputs.map((input) => [input.name, input]));
  for (const [name, value] of Object.entries(given)) {
    if (!declared.has(name)) {
      const known = [...declared.keys()];
      issues.push({
        path: `inputs.${name}`,
        message: `unknown input "${name}" (the flow declares ${known.length ? known.join(", ") : "no inputs"})`,
      });
    } else if (typeof value !== "string") {
      issues.push({ path: `inputs.${name}`, message: `must be a string (got ${value === null ? "null" : typeof value})` });
    }
  }
  const inputs: Record<string, string> = {};
  for (const input of flow.inputs) {
    const value = given[input.name];
    if (typeof value === "string") inputs[input.name] = value;
    else if (input.default !== undefined) inputs[input.name] = input.default;
    else if (input.required && value === undefined) {
      issues.push({ path: `inputs.${input.name}`, message: `required input "${input.name}" is missing` });
    } else inputs[input.name] = "";
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, inputs };
}
