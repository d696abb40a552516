"use client";
/**
 * Create/edit form for one profile. Fields depend on the backend; validation runs on the
 * server (one set of zod schemas) and its issues are shown inline under their fields.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { configFromFields, emptyFields, fieldForIssue, fieldsFromProfile, type Backend, type FormFields } from "./profile-form-model";
import { createProfile, profileKeys, updateProfile, type ProfileDto } from "./profiles-api";
import { ApiError } from "@/lib/client/api";
import { buttonClass, inputClass, labelClass, monoInputClass, primaryButtonClass } from "./ui";

type Errors = Partial<Record<keyof FormFields | "form", string>>;

const BACKENDS: Array<{ id: Backend; label: string }> = [
  { id: "acp", label: "ACP agent (stdio)" },
  { id: "command", label: "One-shot command" },
  { id: "openai", label: "OpenAI-compatible endpoint" },
  { id: "demo", label: "Demo (built in)" },
];

function Field({ label, hint, error, children, name }: { label: string; hint?: string; error?: string; children: React.ReactNode; name: string }) {
  return (
    <label className="flex flex-col gap-0.5" data-testid={`field-${name}`}>
      <span className={labelClass}>{label}</span>
      {children}
      {error ? (
        <span className="text-[11.5px] text-red-600" data-testid={`error-${name}`}>
          {error}
        </span>
      ) : hint ? (
        <span className="text-[11px] text-zinc-400">{hint}</span>
      ) : null}
    </label>
  );
}

export function ProfileForm({ profile, onDone }: { profile: ProfileDto | null; onDone: () => void }) {
  const queryClient = useQueryClient();
  const creating = profile === null;
  const [fields, setFields] = useState<FormFields>(() => (profile ? fieldsFromProfile(profile) : emptyFields("acp")));
  const [errors, setErrors] = useState<Errors>({});
  const set = <K extends keyof FormFields>(key: K, value: FormFields[K]) => {
    setFields((f) => ({ ...f, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined, form: undefined }));
  };

  const save = useMutation({
    mutationFn: async () => {
      const built = configFromFields(fields, profile && profile.backend === fields.backend ? profile.config : {});
      if (!built.ok) throw new ApiError(400, "validation_failed", built.message, [{ path: `local.${built.field}`, message: built.message }]);
      const body = { backend: fields.backend, label: fields.label, enabled: fields.enabled, config: built.config };
      return creating ? createProfile({ id: fields.id.trim(), ...body }) : updateProfile(profile.id, body);
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: profileKeys.all });
      onDone();
    },
    onError: (error) => {
      if (!(error instanceof ApiError) || error.issues.length === 0) {
        setErrors({ form: error.message });
        return;
      }
      const next: Errors = {};
      for (const issue of error.issues) {
        const field = issue.path.startsWith("local.") ? (issue.path.slice(6) as keyof FormFields) : fieldForIssue(issue.path, fields.backend);
        const text = field === "form" ? `${issue.path}: ${issue.message}` : issue.message;
        next[field] = next[field] ? `${next[field]}; ${text}` : text;
      }
      setErrors(next);
    },
  });

  const b = fields.backend;
  return (
    <form
      className="grid grid-cols-2 gap-x-4 gap-y-2 border-t border-zinc-200 bg-zinc-50/60 px-3 py-3"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
      data-testid="profile-form"
    >
      <Field label="Id" name="id" error={errors.id} hint={creating ? "lowercase letters, digits, - and _; flows refer to it" : undefined}>
        <input className={monoInputClass} value={fields.id} disabled={!creating} onChange={(e) => set("id", e.target.value)} aria-invalid={!!errors.id} data-testid="input-id" placeholder="my-agent" />
      </Field>
      <Field label="Label" name="label" error={errors.label}>
        <input className={inputClass} value={fields.label} onChange={(e) => set("label", e.target.value)} data-testid="input-label" placeholder="What this profile is" />
      </Field>
      <Field label="Backend" name="backend" error={errors.backend}>
        <select className={inputClass} value={b} disabled={profile?.builtIn} onChange={(e) => set("backend", e.target.value as Backend)} data-testid="input-backend">
          {BACKENDS.map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </select>
      </Field>
      <label className="flex items-center gap-1.5 self-end pb-1 text-[12.5px]">
        <input type="checkbox" checked={fields.enabled} onChange={(e) => set("enabled", e.target.checked)} data-testid="input-enabled" />
        Enabled
      </label>

      {b === "acp" || b === "command" ? (
        <>
          <Field label="Command (one argument per line)" name="command" error={errors.command} hint={b === "command" ? "use {prompt} in an argument to pass the prompt there" : "spawned directly, never through a shell"}>
            <textarea className={`${monoInputClass} h-20`} value={fields.command} onChange={(e) => set("command", e.target.value)} aria-invalid={!!errors.command} data-testid="input-command" placeholder={b === "acp" ? "gemini\n--acp" : "claude\n-p\n{prompt}"} />
          </Field>
          <Field label="Environment (KEY=value per line)" name="env" error={errors.env} hint="secrets as references: ANTHROPIC_API_KEY=$ANTHROPIC_API_KEY">
            <textarea className={`${monoInputClass} h-20`} value={fields.env} onChange={(e) => set("env", e.target.value)} aria-invalid={!!errors.env} data-testid="input-env" />
          </Field>
        </>
      ) : null}
      {b === "acp" ? (
        <>
          <Field label="Mode (optional)" name="mode" error={errors.mode} hint="set with session/set_mode before prompting">
            <input className={monoInputClass} value={fields.mode} onChange={(e) => set("mode", e.target.value)} data-testid="input-mode" placeholder="agent default" />
          </Field>
          <Field label="Permission requests" name="permissionPolicy" error={errors.permissionPolicy}>
            <select className={inputClass} value={fields.permissionPolicy} onChange={(e) => set("permissionPolicy", e.target.value)} data-testid="input-permission">
              <option value="worktree">Allow inside the worktree, deny the rest</option>
              <option value="allow">Allow everything</option>
              <option value="deny">Deny everything</option>
            </select>
          </Field>
        </>
      ) : null}
      {b === "command" ? (
        <Field label="Prompt goes to" name="promptVia" error={errors.promptVia}>
          <select className={inputClass} value={fields.promptVia} onChange={(e) => set("promptVia", e.target.value)} data-testid="input-prompt-via">
            <option value="stdin">stdin</option>
            <option value="argv">the {"{prompt}"} argument</option>
          </select>
        </Field>
      ) : null}
      {b === "openai" ? (
        <>
          <Field label="Base URL" name="baseURL" error={errors.baseURL}>
            <input className={monoInputClass} value={fields.baseURL} onChange={(e) => set("baseURL", e.target.value)} aria-invalid={!!errors.baseURL} data-testid="input-base-url" />
          </Field>
          <Field label="Model" name="model" error={errors.model}>
            <input className={monoInputClass} value={fields.model} onChange={(e) => set("model", e.target.value)} aria-invalid={!!errors.model} data-testid="input-model" placeholder="qwen2.5-coder" />
          </Field>
          <Field label="API key (env reference)" name="apiKey" error={errors.apiKey} hint="never stored: $OPENAI_API_KEY is read from Baton's environment at run time">
            <input className={monoInputClass} value={fields.apiKey} onChange={(e) => set("apiKey", e.target.value)} aria-invalid={!!errors.apiKey} data-testid="input-api-key" placeholder="$OPENAI_API_KEY" autoComplete="off" />
          </Field>
          <Field label="Temperature" name="temperature" error={errors.temperature}>
            <input className={monoInputClass} value={fields.temperature} onChange={(e) => set("temperature", e.target.value)} aria-invalid={!!errors.temperature} data-testid="input-temperature" placeholder="model default" />
          </Field>
          <div className="col-span-2">
            <Field label="System prompt (optional)" name="systemPrompt" error={errors.systemPrompt}>
              <textarea className={`${inputClass} h-14`} value={fields.systemPrompt} onChange={(e) => set("systemPrompt", e.target.value)} data-testid="input-system-prompt" />
            </Field>
          </div>
        </>
      ) : null}
      {b === "demo" ? (
        <div className="col-span-2">
          <Field label="Config (JSON)" name="json" error={errors.json}>
            <textarea className={`${monoInputClass} h-24`} value={fields.json} onChange={(e) => set("json", e.target.value)} aria-invalid={!!errors.json} data-testid="input-json" />
          </Field>
        </div>
      ) : null}

      <div className="col-span-2 flex items-center gap-1.5 pt-1">
        <button type="submit" className={primaryButtonClass} disabled={save.isPending} data-testid="profile-save">
          {save.isPending ? "Saving…" : creating ? "Create profile" : "Save"}
        </button>
        <button type="button" className={buttonClass} onClick={onDone} data-testid="profile-cancel">
          Cancel
        </button>
        {errors.form ? (
          <span className="text-[11.5px] text-red-600" data-testid="error-form">
            {errors.form}
          </span>
        ) : null}
      </div>
    </form>
  );
}
