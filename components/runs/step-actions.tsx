"use client";
/**
 * What a person can do to the selected step: Re-run step (one click on a failed step),
 * Re-run with changes… (edited prompt or another profile), Re-run from here, and what its kind
 * offers while it waits (lib/kinds/<kind>/client.tsx: an approval's Approve / Reject /
 * Request changes, a manual arena's Pick winner). Each calls the Run API and shows its error
 * inline. The re-runs are offered by the engine's own rule (lib/engine/rerun-rule.ts): while
 * it refuses one (the run is still running, an upstream step failed…) the button is disabled
 * and the reason shown.
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { flowKeys, listProfiles } from "@/lib/client/flows";
import { rerunStep, type RerunStepChanges } from "@/lib/client/runs";
import type { LiveRun, RunDetail, StepDto } from "@/lib/client/run-types";
import { rerunChangesOf } from "@/lib/kinds";
import { refsDeletedRefusal } from "@/lib/runs/refs-deleted";
import { rerunRefusal, type RerunStepView } from "@/lib/engine/rerun-rule";
import type { RerunChanges } from "@/lib/kinds/define";
import { waitingPanelOf } from "@/lib/kinds/client";
import { buttonClass, Dialog, ErrorNote } from "./dialog";
import { useRunAction } from "./use-run-action";

/** A step as the re-run rule reads it (an arena select's mode is in its spec). */
function rerunViewOf(step: StepDto): RerunStepView {
  const select = step.spec.select as { mode?: unknown } | undefined;
  return { key: step.key, role: step.role, state: step.state, dependsOn: step.dependsOn, ...(typeof select?.mode === "string" ? { selectMode: select.mode } : {}) };
}

/** Why the engine would refuse to re-run `step` now, or null. */
function rerunRefusalOf(run: RunDetail, step: StepDto): string | null {
  const byKey = new Map(run.steps.map((s) => [s.key, rerunViewOf(s)]));
  return rerunRefusal(run.status, rerunViewOf(step), (key) => byKey.get(key), byKey.values());
}

function RerunWithChanges({ run, step, current, onClose }: { run: RunDetail; step: StepDto; current: RerunChanges; onClose(): void }) {
  const profiles = useQuery({ queryKey: flowKeys.profiles, queryFn: listProfiles });
  const { prompt: initialPrompt, profile: initialProfile } = current;
  const [prompt, setPrompt] = useState(initialPrompt);
  const [profile, setProfile] = useState(initialProfile);
  const action = useRunAction(run.id, (changes: RerunStepChanges) => rerunStep(run.id, step.id, changes));
  const submit = () => {
    const changes: RerunStepChanges = {};
    if (prompt !== initialPrompt) changes.prompt = prompt;
    if (profile !== initialProfile) changes.profile = profile;
    action.mutate(changes, { onSuccess: onClose });
  };
  return (
    <Dialog title={`Re-run ${step.key} with changes`} onClose={onClose} testId="rerun-changes-dialog">
      <div className="space-y-3 text-[12px]">
        <label className="block">
          <span className="mb-1 block font-medium text-zinc-700">Prompt template</span>
          <textarea
            className="h-48 w-full rounded border border-zinc-300 p-2 font-mono text-[12px]"
            value={prompt}
            onChange={(e) => setPrompt(e.target.value)}
            data-testid="rerun-prompt"
          />
        </label>
        <label className="block">
          <span className="mb-1 block font-medium text-zinc-700">Agent profile</span>
          <select className="w-full rounded border border-zinc-300 p-1" value={profile} onChange={(e) => setProfile(e.target.value)} data-testid="rerun-profile">
            {[initialProfile, ...(profiles.data ?? []).map((p) => p.id).filter((id) => id !== initialProfile)].map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
        <ErrorNote error={action.error} />
        <div className="flex justify-end gap-2">
          <button type="button" className={buttonClass.secondary} onClick={onClose}>
            Cancel
          </button>
          <button type="button" className={buttonClass.primary} disabled={action.isPending} onClick={submit} data-testid="rerun-changes-submit">
            Re-run step
          </button>
        </div>
      </div>
    </Dialog>
  );
}

export function StepActions({ run, step, live }: { run: RunDetail; step: StepDto; live: LiveRun | undefined }) {
  const [changing, setChanging] = useState(false);
  // The engine re-runs a step and then everything downstream of it, so "Re-run step" (on a
  // failed step) and "Re-run from here" (on any finished step) are the same call.
  const rerun = useRunAction(run.id, () => rerunStep(run.id, step.id));
  const WaitingPanel = step.state === "waiting" ? waitingPanelOf(step.kind) : undefined;
  const failed = step.state === "failed" || step.state === "canceled";
  // A skipped step is never re-run (its failed upstream step is): no button for it.
  const canRerun = (failed || step.state === "succeeded") && step.role !== "select";
  // What the server lets a re-run replace here: nothing on a check, a concat fold, an approval.
  const changes = rerunChangesOf(step);
  // Shown, disabled, with the reason: the step panel says why above (step-panel.tsx).
  const refsDeleted = refsDeletedRefusal(run, "rerun");
  const refused = failed || canRerun ? rerunRefusalOf(run, step) : null;
  const blocked = refsDeleted ?? refused;
  return (
    <div className="space-y-2" data-testid="step-actions">
      <div className="flex flex-wrap gap-2">
        {failed ? (
          <button
            type="button"
            className={buttonClass.primary}
            disabled={rerun.isPending || !!blocked}
            title={blocked ?? undefined}
            onClick={() => rerun.mutate(undefined)}
            data-testid="rerun-step"
          >
            Re-run step
          </button>
        ) : null}
        {canRerun && changes ? (
          <button
            type="button"
            className={buttonClass.secondary}
            disabled={!!blocked}
            title={blocked ?? undefined}
            onClick={() => setChanging(true)}
            data-testid="rerun-with-changes"
          >
            Re-run with changes…
          </button>
        ) : null}
        {canRerun && !failed ? (
          <button
            type="button"
            className={buttonClass.secondary}
            disabled={rerun.isPending || !!blocked}
            title={blocked ?? "Re-runs this step and everything after it; earlier steps are reused"}
            onClick={() => rerun.mutate(undefined)}
            data-testid="rerun-from-here"
          >
            Re-run from here
          </button>
        ) : null}
      </div>
      {refused && !refsDeleted ? (
        <div className="text-[12px] text-zinc-600" data-testid="rerun-refused">
          Can&apos;t re-run now: {refused}.
        </div>
      ) : null}
      <ErrorNote error={rerun.error} />
      {WaitingPanel ? <WaitingPanel run={run} step={step} live={live} /> : null}
      {changing && changes ? <RerunWithChanges run={run} step={step} current={changes} onClose={() => setChanging(false)} /> : null}
    </div>
  );
}
