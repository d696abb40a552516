"use client";
/**
 * "Draft with an agent": pick a profile (one that can't run now is listed, marked and not
 * selectable), describe the task and optionally the repository; Baton gives the agent the
 * flow format and sends every problem of a draft back to it, up to the chosen number of drafts
 * (server side: lib/drafts). While it works the dialog shows each round as it happens (the
 * stream of lib/contract/draft.ts): the agent's tool calls (validate_flow with its problem
 * count), its words, and the problems sent back; Stop ends the request, which stops the agent.
 * A failing agent, or drafts that stay invalid, end in a clear error with the last
 * draft's problems. A usable draft goes to `onDrafted` — the designer shows it unsaved.
 * Nothing is saved or run here.
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { ApiError } from "@/lib/client/api";
import { draftWithAgent, type DraftProgressDto, type DraftResultDto } from "@/lib/client/drafts";
import { DEFAULT_DRAFT_ATTEMPTS as DEFAULT_ATTEMPTS, MAX_DRAFT_ATTEMPTS as MAX_ATTEMPTS } from "@/lib/contract/draft";
import { flowKeys, listCheckedProfiles, profileUnavailability } from "@/lib/client/flows";
import { draftRounds, toolLineText } from "@/lib/editor/agent-draft-progress";
import { importFlowJson } from "@/lib/editor/import-export";
import type { FlowDocument } from "@/lib/flow/document";
import { IssueList } from "./import-dialog";
import { Field, inputClass } from "./inspector/fields";
import { Modal, buttonClass, primaryButtonClass } from "./modal";

/** What the designer shows with a draft it loaded (the banner above the canvas). */
export interface AgentDraft {
  doc: FlowDocument;
  profile: string;
  summary: string;
  valid: boolean;
  drafts: number;
}


type Phase =
  | { kind: "form" }
  | { kind: "drafting"; startedAt: number; progress: DraftProgressDto[] }
  | { kind: "failed"; message: string; progress: DraftProgressDto[] }
  | { kind: "stopped"; progress: DraftProgressDto[] }
  | { kind: "invalid"; result: DraftResultDto; loadable: FlowDocument | null; progress: DraftProgressDto[] };

function Elapsed({ since }: { since: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return <span className="tabular-nums text-zinc-400">{Math.max(0, Math.round((now - since) / 1000))} s</span>;
}

/**
 * One entry per round: asked, what the agent does (tool calls as they happen, its words), and
 * Baton's check — the problems sent back, or "valid". Once it is over, the last round's
 * problems are listed below the list with their paths instead.
 */
function ProgressList({ progress, profile, live }: { progress: DraftProgressDto[]; profile: string; live: boolean }) {
  const rounds = draftRounds(progress);
  const end = useRef<HTMLLIElement | null>(null);
  useEffect(() => {
    if (live) end.current?.scrollIntoView({ block: "nearest" });
  }, [live, progress.length]);
  return (
    <ol className="max-h-72 space-y-1.5 overflow-y-auto text-[12px]" data-testid="agent-draft-progress">
      {rounds.map((round, index) => {
        const last = index === rounds.length - 1;
        return (
          <li key={round.attempt} data-testid="agent-draft-attempt" data-attempt={round.attempt} data-state={round.state}>
            <span className="font-medium text-zinc-800">
              Draft {round.attempt} of at most {round.maxAttempts}:
            </span>{" "}
            {round.state === "asking" ? (
              <span className="text-zinc-600">{!live ? "no answer" : round.attempt === 1 ? `${profile} is writing the flow…` : `${profile} is repairing it…`}</span>
            ) : round.state === "valid" ? (
              <span className="text-emerald-700">valid</span>
            ) : (
              <span className="text-amber-800">
                {round.problems.length} {round.problems.length === 1 ? "problem" : "problems"}
                {round.attempt < round.maxAttempts ? " — sent back to the agent" : ""}
              </span>
            )}
            {round.activity.length > 0 ? (
              <ul className="ml-4 mt-0.5 space-y-0.5 text-[11.5px]">
                {round.activity.map((line, i) =>
                  line.kind === "tool" ? (
                    <li
                      key={line.id}
                      className={`font-mono ${line.status === "failed" || (line.problems?.length ?? 0) > 0 ? "text-amber-800" : "text-zinc-700"}`}
                      title={line.problems?.join("\n")}
                      data-testid="agent-draft-tool"
                      data-tool={line.tool}
                      data-status={line.status}
                    >
                      ⚙ {toolLineText(line)}
                    </li>
                  ) : (
                    <li key={`text-${i}`} className="truncate italic text-zinc-500" title={line.text} data-testid="agent-draft-text">
                      “{line.text}”
                    </li>
                  ),
                )}
              </ul>
            ) : null}
            {round.state === "invalid" && (live || !last) ? (
              <ul className="ml-4 list-disc text-[11.5px] text-amber-900" data-testid="agent-draft-round-problems">
                {round.problems.map((problem, i) => (
                  <li key={i}>{problem}</li>
                ))}
              </ul>
            ) : null}
          </li>
        );
      })}
      {rounds.length === 0 && live ? <li className="text-zinc-600">Starting {profile}…</li> : null}
      <li ref={end} aria-hidden className="h-0" />
    </ol>
  );
}

export function AgentDraftDialog({ onDrafted, onClose }: { onDrafted: (draft: AgentDraft) => Promise<void> | void; onClose: () => void }) {
  const checked = useQuery({ queryKey: flowKeys.checkedProfiles, queryFn: listCheckedProfiles, staleTime: 30_000 });
  const profiles = useMemo(() => (checked.data ?? []).map((p) => ({ ...p, unavailable: profileUnavailability(p) })), [checked.data]);
  const profileIds = useMemo(() => new Set(profiles.map((p) => p.id)), [profiles]);
  const [profile, setProfile] = useState("");
  const [task, setTask] = useState("");
  const [repo, setRepo] = useState("");
  const [maxAttempts, setMaxAttempts] = useState(DEFAULT_ATTEMPTS);
  const [phase, setPhase] = useState<Phase>({ kind: "form" });
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  // The first profile that can run and can write (the demo agent answers canned text).
  useEffect(() => {
    if (profile || profiles.length === 0) return;
    const first = profiles.find((p) => !p.unavailable && p.backend !== "demo") ?? profiles.find((p) => !p.unavailable);
    if (first) setProfile(first.id);
  }, [profiles, profile]);

  const chosen = profiles.find((p) => p.id === profile);
  const canStart = Boolean(chosen && !chosen.unavailable && task.trim()) && phase.kind !== "drafting";

  const accept = async (result: DraftResultDto, doc: FlowDocument) => {
    try {
      await onDrafted({ doc, profile: result.profile, summary: result.summary, valid: result.valid, drafts: result.attempts.length });
      onClose();
    } catch (error) {
      setPhase({ kind: "failed", message: `the draft could not be opened: ${(error as Error).message}`, progress: [] });
    }
  };

  const start = async () => {
    if (!canStart) return;
    const controller = new AbortController();
    abort.current = controller;
    const startedAt = Date.now();
    const progress: DraftProgressDto[] = [];
    setPhase({ kind: "drafting", startedAt, progress: [] });
    try {
      const result = await draftWithAgent(
        { profile, task: task.trim(), ...(repo.trim() ? { repo: repo.trim() } : {}), maxAttempts },
        {
          signal: controller.signal,
          onProgress: (p) => {
            progress.push(p);
            setPhase({ kind: "drafting", startedAt, progress: [...progress] });
          },
        },
      );
      const loaded = result.document === null ? null : importFlowJson(JSON.stringify(result.document), profileIds);
      if (result.valid && loaded?.ok) await accept(result, loaded.doc);
      else setPhase({ kind: "invalid", result, loadable: loaded?.ok ? loaded.doc : null, progress });
    } catch (error) {
      if (controller.signal.aborted) setPhase({ kind: "stopped", progress });
      else setPhase({ kind: "failed", message: error instanceof ApiError ? error.message : `could not reach the server (${(error as Error).message})`, progress });
    } finally {
      if (abort.current === controller) abort.current = null;
    }
  };

  const drafting = phase.kind === "drafting";
  return (
    <Modal
      title="Draft a flow with an agent"
      onClose={() => {
        abort.current?.abort();
        onClose();
      }}
      testId="agent-draft-dialog"
      footer={
        drafting ? (
          <button type="button" className={buttonClass} onClick={() => abort.current?.abort()} data-testid="agent-draft-cancel">
            Stop drafting
          </button>
        ) : (
          <>
            <button type="button" className={buttonClass} onClick={onClose}>
              Close
            </button>
            {phase.kind === "invalid" && phase.loadable ? (
              <button type="button" className={buttonClass} onClick={() => void accept(phase.result, phase.loadable!)} data-testid="agent-draft-open-anyway">
                Open the last draft anyway
              </button>
            ) : null}
            <button type="button" className={primaryButtonClass} disabled={!canStart} onClick={() => void start()} data-testid="agent-draft-start">
              {phase.kind === "form" ? "Draft" : "Try again"}
            </button>
          </>
        )
      }
    >
      <div className="space-y-3 p-4">
        <p className="text-[12px] text-zinc-600">
          The agent gets Baton&apos;s flow format (node kinds, their fields, references, the profiles below) and writes a flow for your task. Baton checks each
          draft as saving would and sends every problem back, up to the number of drafts you allow. The result opens in the designer <b>unsaved</b>: nothing is
          saved or run until you do it.
        </p>
        <Field label="Agent profile" hint={checked.isPending ? "checking which can run…" : undefined}>
          <select className={inputClass} value={profile} onChange={(e) => setProfile(e.target.value)} disabled={drafting} data-testid="agent-draft-profile" data-checked={checked.data ? "yes" : "no"}>
            <option value="">— choose a profile —</option>
            {profiles.map((p) => (
              <option key={p.id} value={p.id} disabled={Boolean(p.unavailable)} data-unavailable={p.unavailable ?? undefined} title={p.label}>
                {p.id}
                {p.label && p.label !== p.id ? ` — ${p.label}` : ""}
                {p.unavailable ? ` (${p.unavailable})` : ""}
              </option>
            ))}
          </select>
        </Field>
        {checked.error ? <p className="text-[12px] text-red-700">Could not load the profiles: {checked.error.message}</p> : null}
        {chosen?.backend === "demo" ? <p className="text-[11.5px] text-amber-800">The demo agent answers canned text: it cannot write a flow.</p> : null}
        <Field label="Task">
          <textarea
            className={`${inputClass} h-24 resize-y`}
            value={task}
            onChange={(e) => setTask(e.target.value)}
            disabled={drafting}
            placeholder="What should the flow do? e.g. Fix the failing login test, run the tests, then ask me before merging."
            data-testid="agent-draft-task"
          />
        </Field>
        <div className="flex gap-3">
          <div className="flex-1">
            <Field label="Repository (optional)" hint="described to the agent; nothing runs">
              <input className={inputClass} value={repo} onChange={(e) => setRepo(e.target.value)} disabled={drafting} placeholder="/path/to/repo" data-testid="agent-draft-repo" />
            </Field>
          </div>
          <div className="w-32">
            <Field label="Drafts at most">
              <input
                type="number"
                min={1}
                max={MAX_ATTEMPTS}
                className={inputClass}
                value={maxAttempts}
                onChange={(e) => setMaxAttempts(Math.min(MAX_ATTEMPTS, Math.max(1, Number(e.target.value) || 1)))}
                disabled={drafting}
                data-testid="agent-draft-attempts"
              />
            </Field>
          </div>
        </div>
        {phase.kind === "drafting" ? (
          <div className="space-y-1.5 rounded border border-zinc-200 bg-zinc-50 px-3 py-2" role="status" data-testid="agent-draft-status" data-state="drafting">
            <p className="flex items-center gap-2 text-[12px] font-medium text-zinc-800">
              <span className="h-2 w-2 animate-pulse rounded-full bg-sky-500" /> Drafting with {profile} <Elapsed since={phase.startedAt} />
            </p>
            <ProgressList progress={phase.progress} profile={profile} live />
          </div>
        ) : null}
        {(phase.kind === "failed" || phase.kind === "invalid" || phase.kind === "stopped") && phase.progress.length > 0 ? (
          <ProgressList progress={phase.progress} profile={profile} live={false} />
        ) : null}
        {phase.kind === "stopped" ? (
          <p className="rounded border border-zinc-200 bg-zinc-50 px-3 py-2 text-[12px] text-zinc-700" role="status" data-testid="agent-draft-status" data-state="stopped">
            <b>Stopped.</b> The agent was stopped before it finished; nothing was drafted.
          </p>
        ) : null}
        {phase.kind === "failed" ? (
          <p className="rounded border border-red-200 bg-red-50 px-3 py-2 text-[12px] text-red-800" role="alert" data-testid="agent-draft-status" data-state="failed">
            <b>No draft.</b> {phase.message}
          </p>
        ) : null}
        {phase.kind === "invalid" ? (
          <div className="space-y-1.5" role="alert" data-testid="agent-draft-status" data-state="invalid">
            <p className="text-[12px] text-red-800">
              <b>
                No valid flow after {phase.result.attempts.length} {phase.result.attempts.length === 1 ? "draft" : "drafts"}.
              </b>{" "}
              {phase.result.document === null
                ? "The agent never answered with a flow document:"
                : `The last draft still has ${phase.result.issues.length} ${phase.result.issues.length === 1 ? "problem" : "problems"}:`}
            </p>
            <IssueList
              issues={phase.result.document === null ? phase.result.attempts[phase.result.attempts.length - 1].problems.map((message) => ({ path: "(answer)", message })) : phase.result.issues}
              testId="agent-draft-issues"
            />
            {phase.loadable ? <p className="text-[11.5px] text-zinc-600">You can open it in the designer and fix it there, or try again.</p> : null}
          </div>
        ) : null}
      </div>
    </Modal>
  );
}

/** Above the canvas while a loaded agent draft is unsaved: who drafted it, what it built. */
export function AgentDraftBanner({ draft, onDismiss }: { draft: AgentDraft; onDismiss(): void }) {
  return (
    <div className="flex items-start gap-3 border-b border-violet-300 bg-violet-50 px-3 py-1.5 text-[12px] text-violet-950" role="status" data-testid="agent-draft-banner">
      <div className="min-w-0 flex-1">
        <b>
          Drafted by {draft.profile}
          {draft.drafts > 1 ? ` (${draft.drafts} drafts; Baton sent the earlier ones' problems back)` : ""} — not saved.
        </b>{" "}
        {draft.valid ? "Review and edit it, then Save; nothing runs until you press Run." : "It still has problems (listed below): fix them, then Save."}
        <p className="mt-0.5 whitespace-pre-wrap text-violet-900" data-testid="agent-draft-summary">
          {draft.summary}
        </p>
      </div>
      <button type="button" className={buttonClass} onClick={onDismiss} data-testid="agent-draft-dismiss">
        Hide
      </button>
    </div>
  );
}
