"use client";
/**
 * The loop kind in the editor: card, inspector form, look. The run page's view of its rounds
 * is components/runs/loop-rounds.tsx.
 */
import { list, record, text, withModel, type KindClient, type KindFormProps } from "../client-define";
import { AgentTaskSection, OptionsField } from "@/components/editor/inspector/common-fields";
import { ArgvEditor, Field, OptionalNumber, Section, setOptional } from "@/components/editor/inspector/fields";
import { DEFAULT_MAX_ROUNDS, MAX_ROUNDS_LIMIT, type LoopConfig } from "./definition";

function LoopForm({ id, config, references, onChange, errorAt }: KindFormProps<"loop">) {
  const set = <F extends keyof LoopConfig>(key: F, value: LoopConfig[F] | undefined) => onChange(setOptional(config, key, value), key);
  return (
    <>
      <AgentTaskSection config={config} onChange={onChange} references={references} errorAt={errorAt} promptHint="round 1; later rounds get the check's output" />
      <Section title="Check">
        <Field label="Command" hint="one argument per line — never a shell string" error={errorAt("check.command") ?? errorAt("check")}>
          <ArgvEditor value={config.check?.command ?? []} onChange={(v) => onChange({ ...config, check: { command: v } }, "check.command")} testId="field-check-command" />
        </Field>
        <div className="grid grid-cols-2 gap-2">
          <Field label="Max rounds" error={errorAt("maxRounds")}>
            <OptionalNumber
              value={config.maxRounds}
              min={1}
              max={MAX_ROUNDS_LIMIT}
              placeholder={String(DEFAULT_MAX_ROUNDS)}
              onChange={(v) => set("maxRounds", v)}
              testId="field-max-rounds"
            />
          </Field>
          <Field label="Round timeout (s)" hint="agent turn and check, each" error={errorAt("roundTimeoutSec")}>
            <OptionalNumber value={config.roundTimeoutSec} min={1} max={86400} placeholder="default" onChange={(v) => set("roundTimeoutSec", v)} testId="field-round-timeout" />
          </Field>
        </div>
        <p className="text-[11px] text-zinc-500">
          Runs in the loop&apos;s worktree after each round; exit 0 ends the loop green. While it fails, the same agent session gets its output and
          tries again.
        </p>
      </Section>
      <Section title="Run">
        <Field label="Retries" hint="each retry starts over from the start commit" error={errorAt("retries")}>
          <OptionalNumber value={config.retries} min={0} max={10} placeholder="0" onChange={(v) => set("retries", v)} testId="field-retries" />
        </Field>
        <OptionsField id={id} config={config} onChange={onChange} errorAt={errorAt} />
      </Section>
    </>
  );
}

export const loopClient: KindClient<"loop"> = {
  style: { chip: "bg-teal-50 text-teal-700 ring-teal-200", accent: "#14b8a6", glyph: "↻" },
  // "profile ↻ ≤ 3 rounds", then the check command and the prompt.
  card: (c) => {
    const argv = list(record(c.check).command).map(text);
    const rounds = typeof c.maxRounds === "number" ? c.maxRounds : DEFAULT_MAX_ROUNDS;
    return {
      profile: `${withModel(text(c.profile) || "?", c.model)}  ↻ ≤ ${rounds} rounds`,
      preview: `${argv.length > 0 ? `$ ${argv.join(" ")}` : "(no check command)"}\n${text(c.prompt)}`,
    };
  },
  Form: LoopForm,
};
