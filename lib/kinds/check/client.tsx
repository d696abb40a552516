"use client";
/** The check kind in the editor: card, inspector form, look. */
import { RunSettingsFields } from "@/components/editor/inspector/common-fields";
import { ArgvEditor, Field, Section } from "@/components/editor/inspector/fields";
import { list, text, type KindClient, type KindFormProps } from "../client-define";
import type { CheckConfig } from "./definition";

function CheckForm({ config, onChange, errorAt }: KindFormProps<"check">) {
  return (
    <>
      <Section title="Check">
        <Field label="Command" hint="one argument per line — never a shell string" error={errorAt("command")}>
          <ArgvEditor value={config.command} onChange={(v) => onChange({ ...config, command: v } satisfies CheckConfig, "command")} testId="field-command" />
        </Field>
        <p className="text-[11px] text-zinc-500">Runs in the upstream step&apos;s worktree; exit code 0 passes.</p>
      </Section>
      <Section title="Run">
        <RunSettingsFields id="field" config={config} onChange={onChange} workspace={false} />
      </Section>
    </>
  );
}

export const checkClient: KindClient<"check"> = {
  style: { chip: "bg-emerald-50 text-emerald-700 ring-emerald-200", accent: "#10b981", glyph: "✓" },
  card: (c) => {
    const argv = list(c.command).map(text);
    return { preview: argv.length > 0 ? `$ ${argv.join(" ")}` : "(no command)" };
  },
  Form: CheckForm,
};
