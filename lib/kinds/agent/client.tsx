"use client";
/** The agent kind in the editor: card, inspector form, look. */
import { AgentTaskSection, OptionsField, RunSettingsFields } from "@/components/editor/inspector/common-fields";
import { Section } from "@/components/editor/inspector/fields";
import { text, withModel, type KindClient, type KindFormProps } from "../client-define";

function AgentForm({ id, config, references, onChange, errorAt }: KindFormProps<"agent">) {
  return (
    <>
      <AgentTaskSection config={config} onChange={onChange} references={references} errorAt={errorAt} />
      <Section title="Run">
        <RunSettingsFields id="field" config={config} onChange={onChange} workspace />
        <OptionsField id={id} config={config} onChange={onChange} errorAt={errorAt} />
      </Section>
    </>
  );
}

export const agentClient: KindClient<"agent"> = {
  style: { chip: "bg-sky-50 text-sky-700 ring-sky-200", accent: "#0ea5e9", glyph: "◇" },
  card: (c) => ({ profile: withModel(text(c.profile) || "?", c.model), preview: text(c.prompt) }),
  Form: AgentForm,
};
