"use client";
/** The fold kind in the editor: card, inspector form, look. */
import { OptionsField, RunSettingsFields } from "@/components/editor/inspector/common-fields";
import { Field, ProfileSelect, PromptEditor, Section, Select, TextInput, setOptional } from "@/components/editor/inspector/fields";
import { text, withModel, type KindClient, type KindFormProps } from "../client-define";
import { FOLD_MODES, type FoldConfig } from "./definition";

function FoldForm({ id, config, references, onChange, errorAt }: KindFormProps<"fold">) {
  const set = <F extends keyof FoldConfig>(key: F, value: FoldConfig[F] | undefined) => onChange(setOptional(config, key, value), key);
  return (
    <>
      <Section title="Fold">
        <Field label="Mode">
          <Select
            value={config.mode}
            options={FOLD_MODES.map((m) => ({ value: m, label: m === "concat" ? "concat — join outputs, no model" : "agent — synthesise with an agent" }))}
            onChange={(mode) => set("mode", mode)}
            testId="field-fold-mode"
          />
        </Field>
        {config.mode === "concat" ? (
          <Field label="Separator" hint="between outputs">
            <TextInput value={config.separator ?? ""} onChange={(v) => set("separator", v)} placeholder="blank line" testId="field-separator" />
          </Field>
        ) : (
          <>
            <div className="grid grid-cols-2 gap-2">
              <Field label="Profile" error={errorAt("profile")}>
                <ProfileSelect value={config.profile} allowNone onChange={(v) => set("profile", v)} testId="field-profile" />
              </Field>
              <Field label="Model" hint="optional">
                <TextInput value={config.model ?? ""} onChange={(v) => set("model", v)} testId="field-model" />
              </Field>
            </div>
            <Field label="Prompt" error={errorAt("prompt")}>
              <PromptEditor value={config.prompt ?? ""} onChange={(v) => set("prompt", v)} references={references} testId="field-prompt" />
            </Field>
          </>
        )}
      </Section>
      <Section title="Run">
        <RunSettingsFields id="field" config={config} onChange={onChange} workspace={false} />
        {config.mode === "agent" ? (
          <OptionsField id={id} config={config} onChange={onChange} errorAt={errorAt} />
        ) : null}
      </Section>
    </>
  );
}

export const foldClient: KindClient<"fold"> = {
  style: { chip: "bg-amber-50 text-amber-800 ring-amber-200", accent: "#f59e0b", glyph: "⋈" },
  card: (c) => {
    const agent = c.mode === "agent";
    return {
      profile: agent ? withModel(text(c.profile) || "?", c.model) : undefined,
      preview: agent ? text(c.prompt) : `concat${text(c.separator) ? ` with ${JSON.stringify(text(c.separator))}` : " outputs"}`,
    };
  },
  Form: FoldForm,
};
