"use client";
/** Fields several kinds share: one agent task (profile, model, prompt), run settings, options. */
import type { TemplateReference } from "@/lib/editor/references";
import { Field, JsonObjectField, OptionalNumber, ProfileSelect, PromptEditor, Section, Select, TextInput, setOptional } from "./fields";

export interface AgentTaskConfig {
  profile: string;
  model?: string;
  prompt: string;
}

/** The "Agent" section of a node that runs one agent task (agent, loop). */
export function AgentTaskSection<C extends AgentTaskConfig>({ config, onChange, references, errorAt, promptHint }: {
  config: C;
  onChange: (config: C, field: string) => void;
  references: TemplateReference[];
  errorAt: (path: string) => string | undefined;
  promptHint?: string;
}) {
  return (
    <Section title="Agent">
      <div className="grid grid-cols-2 gap-2">
        <Field label="Profile" error={errorAt("profile")}>
          <ProfileSelect value={config.profile} onChange={(v) => onChange({ ...config, profile: v ?? "" }, "profile")} testId="field-profile" />
        </Field>
        <Field label="Model" hint="optional">
          <TextInput value={config.model ?? ""} onChange={(v) => onChange(setOptional(config, "model", v as C["model"]), "model")} testId="field-model" placeholder="profile default" />
        </Field>
      </div>
      <Field label="Prompt" hint={promptHint} error={errorAt("prompt")}>
        <PromptEditor value={config.prompt} onChange={(v) => onChange({ ...config, prompt: v }, "prompt")} references={references} testId="field-prompt" />
      </Field>
    </Section>
  );
}

/** A node's backend-specific `options` object. */
export function OptionsField<C extends { options?: Record<string, unknown> }>({ id, config, onChange, errorAt }: {
  id: string;
  config: C;
  onChange: (config: C, field: string) => void;
  errorAt: (path: string) => string | undefined;
}) {
  return (
    <Field label="Options" hint="backend-specific JSON" error={optionsError(errorAt, "options")}>
      <JsonObjectField nodeId={id} path="options" value={config.options} onChange={(v) => onChange(setOptional(config, "options", v as C["options"]), "options")} testId="field-options" />
    </Field>
  );
}

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
