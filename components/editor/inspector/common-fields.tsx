"use client";
/** Run settings several kinds share: timeout, retries, workspace mode. */
import { Field, OptionalNumber, Select } from "./fields";

export interface RunSettings {
  timeoutSec?: number;
  retries?: number;
  workspace?: "code" | "none";
}

const WORKSPACE_OPTIONS = [
  { value: "code", label: "code — own git worktree" },
  { value: "none", label: "none — no repo access" },
] as const;

export function RunSettingsFields<C extends RunSettings>({ config, onChange, id, workspace }: {
  config: C;
  onChange: (config: C, field: string) => void;
  id: string;
  workspace: boolean;
}) {
  const set = <K extends keyof RunSettings>(key: K, value: RunSettings[K]) => {
    const next = { ...config };
    if (value === undefined) delete next[key];
    else next[key] = value as C[K];
    onChange(next, key);
  };
  return (
    <div className="grid grid-cols-2 gap-2">
      <Field label="Timeout (s)">
        <OptionalNumber value={config.timeoutSec} min={1} max={86400} placeholder="default" onChange={(v) => set("timeoutSec", v)} testId={`${id}-timeout`} />
      </Field>
      <Field label="Retries">
        <OptionalNumber value={config.retries} min={0} max={10} placeholder="0" onChange={(v) => set("retries", v)} testId={`${id}-retries`} />
      </Field>
      {workspace ? (
        <div className="col-span-2">
          <Field label="Workspace">
            <Select value={config.workspace ?? "code"} options={WORKSPACE_OPTIONS} onChange={(v) => set("workspace", v)} testId={`${id}-workspace`} />
          </Field>
        </div>
      ) : null}
    </div>
  );
}

/**
 * The validator's problem with an options object (an option the backend doesn't allow); a
 * field draft's own error is shown by the field, so it isn't repeated here.
 */
export function optionsError(errorAt: (path: string) => string | undefined, path: string): string | undefined {
  const error = errorAt(path);
  return error?.endsWith("— not applied") ? undefined : error;
}
