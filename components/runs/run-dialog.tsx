"use client";
/**
 * The Run dialog: the flow's declared inputs, repo path, base ref and what pooled worktrees
 * keep between steps (the profile's default, clean, or keep ignored files), with the last values
 * used for this flow remembered in localStorage; starts the run (POST /api/flows/:id/runs)
 * and goes to its page. Server errors (bad repo path, missing input) are shown as returned.
 */
import { useRouter } from "next/navigation";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { z } from "zod";
import type { FlowInput } from "@/lib/flow/document";
import { apiRequest } from "@/lib/client/api";
import { startRun, type StartRunBody } from "@/lib/client/runs";
import { WORKTREE_POLICIES, type WorktreePolicy } from "@/lib/git/worktree-policy";
import { buttonClass, Dialog, ErrorNote } from "./dialog";

const remembered = z.object({
  inputs: z.record(z.string(), z.string()).default({}),
  repo: z.string().default(""),
  baseRef: z.string().default(""),
  worktreePolicy: z.enum(["", ...WORKTREE_POLICIES]).default(""),
});
type Remembered = z.infer<typeof remembered>;

const settingsSchema = z.object({ exampleRepo: z.string().nullable() });

/** The server's public settings: the bundled example repo is the default repo. */
async function fetchSettings(): Promise<z.infer<typeof settingsSchema>> {
  // Only a default: a server that can't say leaves the repo field empty.
  return apiRequest("/api/settings", undefined, settingsSchema).catch(() => ({ exampleRepo: null }));
}

const storageKey = (flowId: string) => `baton.run-dialog.${flowId}`;
const LAST_REPO_KEY = "baton.run-dialog.last-repo";

function load(flowId: string): Remembered {
  try {
    const raw = window.localStorage.getItem(storageKey(flowId));
    const parsed = remembered.safeParse(raw ? JSON.parse(raw) : {});
    const value: Remembered = parsed.success ? parsed.data : { inputs: {}, repo: "", baseRef: "", worktreePolicy: "" };
    // A flow run for the first time starts from the repo used last for any flow.
    if (!value.repo) value.repo = window.localStorage.getItem(LAST_REPO_KEY) ?? "";
    return value;
  } catch {
    return { inputs: {}, repo: "", baseRef: "", worktreePolicy: "" };
  }
}

function save(flowId: string, value: Remembered): void {
  try {
    window.localStorage.setItem(storageKey(flowId), JSON.stringify(value));
    if (value.repo) window.localStorage.setItem(LAST_REPO_KEY, value.repo);
  } catch {
    // Storage full or disabled: remembering is a convenience only.
  }
}

export interface RunDialogProps {
  flowId: string;
  flowName?: string;
  /** The flow's declared inputs (document.inputs). */
  inputs: readonly FlowInput[];
  /** Run this version; the flow's latest when absent. */
  version?: number;
  onClose(): void;
}

export function RunDialog({ flowId, flowName, inputs, version, onClose }: RunDialogProps) {
  const router = useRouter();
  const [initial] = useState(() => load(flowId));
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(inputs.map((input) => [input.name, initial.inputs[input.name] ?? input.default ?? ""])),
  );
  const [repo, setRepo] = useState(initial.repo);
  const [repoTouched, setRepoTouched] = useState(false);
  const settings = useQuery({ queryKey: ["settings"], queryFn: fetchSettings, staleTime: Infinity });
  // Nothing remembered: offer the example repo, so a first run shows worktrees and diffs.
  const exampleRepo = settings.data?.exampleRepo ?? null;
  useEffect(() => {
    if (!repoTouched && !initial.repo && exampleRepo) setRepo(exampleRepo);
  }, [repoTouched, initial.repo, exampleRepo]);
  const [baseRef, setBaseRef] = useState(initial.baseRef);
  const [worktreePolicy, setWorktreePolicy] = useState<Remembered["worktreePolicy"]>(initial.worktreePolicy);
  const [missing, setMissing] = useState<string[]>([]);
  const start = useMutation({
    mutationFn: (body: StartRunBody) => startRun(flowId, body),
    onSuccess: (run) => {
      onClose();
      router.push(`/runs/${encodeURIComponent(run.id)}`);
    },
  });

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const empty = inputs.filter((input) => input.required && !values[input.name]?.trim()).map((input) => input.name);
    setMissing(empty);
    if (empty.length > 0) return;
    save(flowId, { inputs: values, repo, baseRef, worktreePolicy });
    start.mutate({
      inputs: values,
      ...(repo.trim() ? { repo: repo.trim() } : {}),
      ...(baseRef.trim() ? { baseRef: baseRef.trim() } : {}),
      ...(worktreePolicy ? { worktreePolicy } : {}),
      ...(version !== undefined ? { version } : {}),
    });
  };

  return (
    <Dialog title={`Run ${flowName ?? "flow"}`} onClose={onClose} testId="run-dialog">
      <form className="space-y-3 text-[12px]" onSubmit={submit}>
        {inputs.map((input) => {
          const long = input.name === "task" || (input.default?.length ?? 0) > 60;
          const id = `run-input-${input.name}`;
          const notes = [input.description ? `${id}-description` : null, missing.includes(input.name) ? `${id}-missing` : null].filter(Boolean).join(" ");
          const common = {
            id,
            "aria-describedby": notes || undefined,
            "aria-required": input.required || undefined,
            value: values[input.name] ?? "",
            onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => setValues((v) => ({ ...v, [input.name]: e.target.value })),
            className: `w-full rounded border p-1.5 ${missing.includes(input.name) ? "border-red-400" : "border-zinc-300"}`,
            "data-testid": `run-input-${input.name}`,
          };
          // The label is the input's name alone (its accessible name); the description and a
          // missing-value note describe it.
          return (
            <div key={input.name}>
              <label className="mb-1 block font-medium text-zinc-700" htmlFor={id}>
                {input.name}
                {input.required ? <span className="text-red-600" aria-hidden> *</span> : null}
              </label>
              {long ? <textarea rows={4} {...common} /> : <input {...common} />}
              {input.description ? (
                <span id={`${id}-description`} className="mt-0.5 block text-zinc-500">
                  {input.description}
                </span>
              ) : null}
              {missing.includes(input.name) ? (
                <span id={`${id}-missing`} className="mt-0.5 block text-red-600">
                  {input.name}: required
                </span>
              ) : null}
            </div>
          );
        })}
        <label className="block" htmlFor="run-repo">
          <span className="mb-1 block font-medium text-zinc-700">Repository path</span>
          <input
            id="run-repo"
            className="w-full rounded border border-zinc-300 p-1.5 font-mono"
            placeholder="/absolute/path/to/repo (empty: no repo, steps run in scratch dirs)"
            value={repo}
            onChange={(e) => {
              setRepoTouched(true);
              setRepo(e.target.value);
            }}
            data-testid="run-repo"
          />
        </label>
        <label className="block" htmlFor="run-base-ref">
          <span className="mb-1 block font-medium text-zinc-700">Base ref</span>
          <input
            id="run-base-ref"
            className="w-full rounded border border-zinc-300 p-1.5 font-mono"
            placeholder="HEAD"
            value={baseRef}
            onChange={(e) => setBaseRef(e.target.value)}
            data-testid="run-base-ref"
          />
        </label>
        <label className="block" htmlFor="run-worktree-policy">
          <span className="mb-1 block font-medium text-zinc-700">Between steps, pooled worktrees keep</span>
          <select
            id="run-worktree-policy"
            className="w-full rounded border border-zinc-300 p-1.5"
            value={worktreePolicy}
            onChange={(e) => setWorktreePolicy(e.target.value as Remembered["worktreePolicy"])}
            data-testid="run-worktree-policy"
          >
            <option value="">each step&apos;s profile default (clean unless it says)</option>
            <option value="clean">nothing: clean checkout (ignored files removed too)</option>
            <option value="keep-ignored">ignored files (build caches: node_modules/, target/, .venv/)</option>
          </select>
        </label>
        <ErrorNote error={start.error} />
        <div className="flex justify-end gap-2">
          <button type="button" className={buttonClass.secondary} onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={buttonClass.primary} disabled={start.isPending} data-testid="run-submit">
            {start.isPending ? "Starting…" : "Run"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
