"use client";
/** The approval kind on screen: card, inspector form, look, and the run page's Approve panel. */
import { useState } from "react";
import { Field, Section, TextArea, setOptional } from "@/components/editor/inspector/fields";
import { buttonClass, ErrorNote } from "@/components/runs/dialog";
import { ReviewDiff } from "@/components/runs/review-diff";
import { useRunAction } from "@/components/runs/use-run-action";
import { reviewStep, type ReviewRequest } from "@/lib/client/review";
import { approveStep } from "@/lib/client/runs";
import type { RunDetail, StepDto } from "@/lib/client/run-types";
import { text, type KindClient, type KindFormProps, type WaitingPanelProps } from "../client-define";
import type { ApprovalConfig } from "./definition";

function ApprovalForm({ config, onChange }: KindFormProps<"approval">) {
  return (
    <Section title="Approval">
      <Field label="Message" hint="shown to the approver">
        <TextArea value={config.message ?? ""} onChange={(v) => onChange(setOptional<ApprovalConfig, "message">(config, "message", v), "message")} testId="field-message" />
      </Field>
    </Section>
  );
}

/** Diffs of the steps an approval waits on: what is being approved. */
function upstreamDiffs(run: RunDetail, step: StepDto): Array<{ key: string; diff: string }> {
  const upstream = Array.isArray(step.spec.upstream) ? (step.spec.upstream as unknown[]).filter((u): u is string => typeof u === "string") : step.dependsOn;
  return run.steps.filter((s) => upstream.includes(s.key) && s.diff).map((s) => ({ key: s.key, diff: s.diff ?? "" }));
}

/** Approve, reject with a reason, or comment on the upstream diffs and request changes. */
function ApprovePanel({ run, step }: WaitingPanelProps) {
  const action = useRunAction(run.id, () => approveStep(run.id, step.id));
  const review = useRunAction(run.id, (body: ReviewRequest) => reviewStep(run.id, step.id, body));
  const [reason, setReason] = useState("");
  const [rejecting, setRejecting] = useState(false);
  const diffs = upstreamDiffs(run, step);
  const message = typeof step.spec.message === "string" ? step.spec.message : null;
  const waitpoint = typeof step.detail.waitpoint === "string" ? step.detail.waitpoint : null;
  return (
    <div className="space-y-2 rounded border border-amber-300 bg-amber-50 p-2" data-testid="approval-panel">
      <div className="text-[12px] font-medium text-amber-900">{message ?? "This step waits for your approval."}</div>
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" className={buttonClass.primary} disabled={action.isPending} onClick={() => action.mutate(undefined)} data-testid="approve-step">
          Approve
        </button>
        {rejecting ? (
          <>
            <input
              autoFocus
              className="w-64 rounded border border-zinc-300 px-1 text-[12px]"
              placeholder="Why? (the run fails with this reason)"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              data-testid="reject-reason"
            />
            <button
              type="button"
              className={buttonClass.danger}
              disabled={review.isPending || !reason.trim()}
              onClick={() => review.mutate({ decision: "reject", reason: reason.trim() })}
              data-testid="reject-confirm"
            >
              Reject
            </button>
          </>
        ) : (
          <button type="button" className={buttonClass.danger} onClick={() => setRejecting(true)} data-testid="reject-step">
            Reject…
          </button>
        )}
      </div>
      <ErrorNote error={action.error ?? review.error} />
      {diffs.length === 0 ? <div className="text-[12px] text-zinc-500">No upstream changes to review.</div> : null}
      {diffs.map((d) => (
        <div key={d.key} className="rounded bg-white p-2">
          <div className="mb-1 text-[11px] font-medium text-zinc-500">Changes from {d.key}: comment on a line or a file, then request changes</div>
          <ReviewDiff
            diff={d.diff}
            title={`Comments go back to ${d.key}: it runs again from this result, then this approval waits again.`}
            pending={review.isPending}
            error={null}
            submit={(comments, note, done) =>
              review.mutate({ decision: "request-changes", comments, target: d.key, ...(note ? { reason: note } : {}) }, { onSuccess: done })
            }
          />
        </div>
      ))}
      {waitpoint ? (
        <details className="text-[11px] text-zinc-600" data-testid="waitpoint">
          <summary className="cursor-pointer">Answer from elsewhere (chat bot, CI)</summary>
          <pre className="mt-1 whitespace-pre-wrap break-all rounded bg-white p-1 font-mono">
            {`curl -X POST ${typeof window === "undefined" ? "" : window.location.origin}/api/waitpoints/${waitpoint} \\\n  -H 'content-type: application/json' -d '{"decision":"approve"}'`}
          </pre>
          <div>Or {"{"}&quot;decision&quot;:&quot;reject&quot;,&quot;reason&quot;:&quot;…&quot;{"}"}. The token answers this approval only, while it waits.</div>
        </details>
      ) : null}
    </div>
  );
}

export const approvalClient: KindClient<"approval"> = {
  style: { chip: "bg-rose-50 text-rose-700 ring-rose-200", accent: "#f43f5e", glyph: "◉" },
  card: (c) => ({ preview: text(c.message) || "Waits for approval" }),
  Form: ApprovalForm,
  WaitingPanel: ApprovePanel,
};
