"use client";
/** The agent kind in the editor: card, inspector form, look. */
import { RunSettingsFields, optionsError } from "@/components/editor/inspector/common-fields";
import { Field, JsonObjectField, ProfileSelect, PromptEditor, Section, TextInput, setOptional } from "@/components/editor/inspector/fields";
import { text, withModel, type KindClient, type KindFormProps } from "../client-define";
import type { AgentConfig } from "./definition";

function AgentForm({ id, config, references, onChange, errorAt }: KindFormProps<"agent">) {
  const set = <F extends keyof AgentConfig>(key: F, value: AgentConfig[F] | undefined) => onChange(setOptional(config, key, value), key);
  return (
    <>
      <Section title="Agent">
        <div className="grid grid-cols-2 gap-2">
          <Field label="Profile" error={errorAt("profile")}>
            <ProfileSelect value={config.profile} onChange={(v) => onChange({ ...config, profile: v ?? "" }, "profile")} testId="field-profile" />
          </Field>
          <Field label="Model" hint="optional">
            <TextInput value={config.model ?? ""} onChange={(v) => set("model", v)} testId="field-model" placeholder="profile default" />
          </Field>
        </div>
        <Field label="Prompt" error={errorAt("prompt")}>
          <PromptEditor value={config.prompt} onChange={(v) => onChange({ ...config, prompt: v }, "prompt")} references={references} testId="field-prompt" />
        </Field>
      </Section>
      <Section title="Run">
        <RunSettingsFields id="field" config={config} onChange={onChange} workspace />
        <Field label="Options" hint="backend-specific JSON" error={optionsError(errorAt, "options")}>
          <JsonObjectField nodeId={id} path="options" value={config.options} onChange={(v) => set("options", v)} testId="field-options" />
        </Field>
      </Section>
    </>
  );
}

export const agentClient: KindClient<"agent"> = {
  style: { chip: "bg-sky-50 text-sky-700 ring-sky-200", accent: "#0ea5e9", glyph: "◇" },
  card: (c) => ({ profile: withModel(text(c.profile) || "?", c.model), preview: text(c.prompt) }),
  Form: AgentForm,
};
