"use client";
/**
 * Add agent: pick a preset (Claude Code, Gemini CLI, opencode, Qwen Code, Codex, an
 * OpenAI-compatible endpoint), fill in only what varies — the binary (found on PATH or
 * typed), the model, an endpoint URL, the API key as an env reference — and the profile is
 * created with the agent's own config files in its HOME, then tested with one real start.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { applyPreset, type PresetValues } from "@/lib/profiles/presets/apply-preset";
import type { Preset } from "@/lib/profiles/presets/schema";
import { createProfile, listPresets, profileKeys, type PresetDto, type PresetFieldDto, type ProfileDto } from "./profiles-api";
import { ApiError } from "@/lib/client/api";
import { buttonClass, inputClass, labelClass, monoInputClass, primaryButtonClass } from "./ui";

function FieldInput({ field, value, found, error, onChange }: { field: PresetFieldDto; value: string; found?: string | null; error?: string; onChange: (v: string) => void }) {
  const mono = field.kind !== "text";
  let hint: React.ReactNode = field.hint ?? null;
  if (field.kind === "binary") {
    hint =
      found && value === field.default ? (
        <span className="text-emerald-700" data-testid={`preset-found-${field.key}`}>found at {found}</span>
      ) : value === field.default ? (
        <span className="text-amber-700" data-testid={`preset-missing-${field.key}`}>not found on PATH — install it or type its path</span>
      ) : (
        hint
      );
  }
  return (
    <label className="flex flex-col gap-0.5" data-testid={`preset-field-${field.key}`}>
      <span className={labelClass}>
        {field.label}
        {field.required ? <span className="text-red-500"> *</span> : null}
      </span>
      <input
        className={mono ? monoInputClass : inputClass}
        value={value}
        placeholder={field.placeholder ?? field.default ?? ""}
        aria-invalid={error ? true : undefined}
        onChange={(e) => onChange(e.target.value)}
        data-testid={`preset-input-${field.key}`}
      />
      {error ? <span className="text-[11.5px] text-red-600" data-testid={`preset-error-${field.key}`}>{error}</span> : hint ? <span className="text-[11px] text-zinc-500">{hint}</span> : null}
    </label>
  );
}

/** The preset's profile id, or the first "<id>-N" no profile has yet. */
export function freeProfileId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

function PresetForm({ preset, taken, onCancel, onAdded }: { preset: PresetDto; taken: ReadonlySet<string>; onCancel: () => void; onAdded: (profile: ProfileDto) => void }) {
  const queryClient = useQueryClient();
  const [values, setValues] = useState<PresetValues>(() => Object.fromEntries(preset.fields.map((f) => [f.key, f.default ?? ""])));
  const [id, setId] = useState(() => freeProfileId(preset.profile.id, taken));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const add = useMutation({
    mutationFn: async () => {
      const applied = applyPreset(preset as unknown as Preset, values, id);
      if (!applied.ok) throw new ApiError(400, "validation_failed", "check the fields", applied.issues);
      return createProfile({ ...applied.profile, enabled: true });
    },
    onSuccess: (profile) => {
      void queryClient.invalidateQueries({ queryKey: profileKeys.all });
      onAdded(profile);
    },
    onError: (error) => {
      const next: Record<string, string> = {};
      if (error instanceof ApiError && error.issues.length > 0) {
        for (const issue of error.issues) {
          const key = issue.path.startsWith("values.") ? issue.path.slice(7) : issue.path === "id" ? "id" : "form";
          next[key] = next[key] ? `${next[key]}; ${issue.message}` : key === "form" ? `${issue.path}: ${issue.message}` : issue.message;
        }
      } else next.form = error.message;
      setErrors(next);
    },
  });
  return (
    <form
      className="border-t border-zinc-200 bg-zinc-50/60 px-3 py-3"
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
      data-testid="preset-form"
      data-preset={preset.id}
    >
      <div className="mb-2 flex items-baseline gap-2">
        <span className="text-[13px] font-semibold text-zinc-900">{preset.name}</span>
        <span className="text-[12px] text-zinc-500">{preset.summary}</span>
      </div>
      <div className="grid grid-cols-2 gap-x-4 gap-y-2">
        <label className="flex flex-col gap-0.5" data-testid="preset-field-id">
          <span className={labelClass}>Profile id</span>
          <input className={monoInputClass} value={id} onChange={(e) => setId(e.target.value)} aria-invalid={errors.id ? true : undefined} data-testid="preset-input-id" />
          {errors.id ? <span className="text-[11.5px] text-red-600" data-testid="preset-error-id">{errors.id}</span> : <span className="text-[11px] text-zinc-500">what flow nodes name</span>}
        </label>
        {preset.fields.map((field) => (
          <FieldInput
            key={field.key}
            field={field}
            value={values[field.key] ?? ""}
            found={preset.found[field.key]}
            error={errors[field.key]}
            onChange={(v) => {
              setValues((old) => ({ ...old, [field.key]: v }));
              setErrors((old) => ({ ...old, [field.key]: "", form: "" }));
            }}
          />
        ))}
      </div>
      <p className="mt-2 text-[11.5px] text-zinc-500">
        Install: <code className="font-mono">{preset.install}</code>
        {preset.notes ? <> · {preset.notes}</> : null}
      </p>
      {errors.form ? <p className="mt-1 text-[12px] text-red-600" data-testid="preset-error-form">{errors.form}</p> : null}
      <div className="mt-2 flex gap-1.5">
        <button type="submit" className={primaryButtonClass} disabled={add.isPending} data-testid="preset-add">
          {add.isPending ? "Adding…" : "Add agent"}
        </button>
        <button type="button" className={buttonClass} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function AddAgent({ taken, onClose, onAdded }: { taken: ReadonlySet<string>; onClose: () => void; onAdded: (profile: ProfileDto) => void }) {
  const presets = useQuery({ queryKey: profileKeys.presets, queryFn: listPresets, staleTime: 60_000 });
  const [chosen, setChosen] = useState<string | null>(null);
  const preset = presets.data?.find((p) => p.id === chosen);
  return (
    <div data-testid="add-agent">
      <div className="flex items-center gap-2 px-3 pt-2">
        <span className="text-[12px] font-semibold text-zinc-700">Add agent</span>
        <span className="text-[11.5px] text-zinc-500">a preset asks only for what varies and writes the agent&apos;s own config into the profile&apos;s HOME</span>
        <button type="button" className={`${buttonClass} ml-auto`} onClick={onClose}>
          Close
        </button>
      </div>
      {presets.error ? <p className="px-3 py-2 text-[12px] text-red-600">{presets.error.message}</p> : null}
      <div className="grid grid-cols-3 gap-2 px-3 py-2">
        {presets.data?.map((p) => {
          const binary = p.fields.find((f) => f.kind === "binary");
          const found = binary ? p.found[binary.key] : undefined;
          return (
            <button
              key={p.id}
              type="button"
              onClick={() => setChosen(p.id)}
              className={`rounded border px-2.5 py-1.5 text-left ${chosen === p.id ? "border-zinc-900 bg-white ring-2 ring-zinc-900/10" : "border-zinc-200 bg-white hover:border-zinc-400"}`}
              data-testid="preset-option"
              data-preset={p.id}
            >
              <div className="flex items-center gap-1.5">
                <span className="text-[12.5px] font-medium text-zinc-900">{p.name}</span>
                {binary ? (
                  <span className={`ml-auto rounded px-1 text-[10.5px] ${found ? "bg-emerald-50 text-emerald-700" : "bg-zinc-100 text-zinc-500"}`}>{found ? "on PATH" : "not on PATH"}</span>
                ) : (
                  <span className="ml-auto rounded bg-amber-50 px-1 text-[10.5px] text-amber-800">endpoint</span>
                )}
              </div>
              <div className="truncate text-[11.5px] text-zinc-500" title={p.summary}>
                {p.summary}
              </div>
            </button>
          );
        })}
      </div>
      {preset ? <PresetForm key={preset.id} preset={preset} taken={taken} onCancel={() => setChosen(null)} onAdded={onAdded} /> : null}
    </div>
  );
}
