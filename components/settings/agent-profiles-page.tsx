"use client";
/**
 * Settings → Agents: every profile with its backend, what it runs, and whether it is
 * available right now; create, edit, disable and delete profiles.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { Fragment, useState } from "react";
import { AddAgent } from "./add-agent";
import { AvailabilityBadge } from "./availability-badge";
import { CredentialsBadge } from "./credentials-badge";
import { ProfileForm } from "./profile-form";
import { deleteProfile, listProfiles, profileKeys, type ProfileDto } from "./profiles-api";
import { buttonClass, dangerButtonClass, primaryButtonClass } from "./ui";

const BACKEND_STYLE: Record<string, string> = {
  acp: "bg-violet-50 text-violet-700",
  command: "bg-sky-50 text-sky-700",
  openai: "bg-amber-50 text-amber-800",
  demo: "bg-zinc-100 text-zinc-600",
};

/** What the profile runs, in one line. */
export function profileSummary(profile: ProfileDto): string {
  const c = profile.config;
  if (Array.isArray(c.command)) return c.command.map(String).join(" ");
  if (typeof c.baseURL === "string") return `${c.model ? `${String(c.model)} @ ` : ""}${c.baseURL}`;
  return profile.backend === "demo" ? "built in, offline" : "";
}

function ProfileRow({ profile, editing, autoTest, onEdit, onDone }: { profile: ProfileDto; editing: boolean; autoTest: boolean; onEdit: () => void; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () => deleteProfile(profile.id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: profileKeys.all }),
  });
  return (
    <Fragment>
      <tr className={`group border-b border-zinc-100 hover:bg-zinc-50/70 ${profile.enabled ? "" : "text-zinc-400"}`} data-testid="profile-row" data-profile-id={profile.id}>
        <td className="px-3 py-1.5 align-top">
          <div className="truncate font-mono text-[12.5px] font-medium text-zinc-900" data-testid="profile-id">
            {profile.id}
          </div>
          <div className="truncate text-[11.5px] text-zinc-500" title={profile.label}>
            {profile.label}
          </div>
        </td>
        <td className="px-3 py-1.5 align-top">
          <span className={`rounded px-1.5 py-px font-mono text-[11px] ${BACKEND_STYLE[profile.backend] ?? ""}`} data-testid="profile-backend">
            {profile.backend}
          </span>
          {!profile.enabled ? <span className="ml-1 rounded bg-zinc-100 px-1.5 py-px text-[11px] text-zinc-500" data-testid="profile-disabled">disabled</span> : null}
        </td>
        <td className="px-3 py-1.5 align-top">
          <div className="truncate font-mono text-[11.5px] text-zinc-600" title={profileSummary(profile)} data-testid="profile-summary">
            {profileSummary(profile)}
          </div>
        </td>
        <td className="px-3 py-1.5 align-top">
          <AvailabilityBadge profile={profile} autoTest={autoTest} />
        </td>
        <td className="px-3 py-1.5 align-top" data-testid="profile-credentials">
          <CredentialsBadge profile={profile} />
        </td>
        <td className="whitespace-nowrap px-3 py-1.5 text-right align-top">
          {confirming ? (
            <span className="inline-flex items-center gap-1.5" data-testid="profile-delete-confirm">
              <span className="text-[12px] text-red-700">Delete {profile.id}?</span>
              <button type="button" className={dangerButtonClass} onClick={() => remove.mutate()} disabled={remove.isPending} data-testid="profile-delete-yes">
                Delete
              </button>
              <button type="button" className={buttonClass} onClick={() => setConfirming(false)}>
                Keep
              </button>
            </span>
          ) : (
            <span className="inline-flex gap-1 opacity-70 group-hover:opacity-100">
              <button type="button" className={buttonClass} onClick={onEdit} disabled={editing} data-testid="profile-edit">
                Edit
              </button>
              {!profile.builtIn ? (
                <button type="button" className={`${buttonClass} hover:border-red-300 hover:text-red-700`} onClick={() => setConfirming(true)} data-testid="profile-delete">
                  Delete
                </button>
              ) : null}
            </span>
          )}
          {remove.error ? <div className="text-[11px] text-red-600">{remove.error.message}</div> : null}
        </td>
      </tr>
      {editing ? (
        <tr>
          <td colSpan={6} className="p-0">
            <ProfileForm profile={profile} onDone={onDone} />
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}

export function AgentProfilesPage() {
  const profiles = useQuery({ queryKey: profileKeys.list(), queryFn: listProfiles });
  const [editing, setEditing] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState<string | null>(null);
  const creating = editing === "";

  return (
    <div className="mx-auto max-w-6xl px-6 py-5" data-testid="agent-profiles-page">
      <div className="mb-1 flex items-center gap-2">
        <h1 className="text-[15px] font-semibold text-zinc-900">Agent profiles</h1>
        {profiles.data ? <span className="text-[12px] text-zinc-500">{profiles.data.length}</span> : null}
        <Link href="/settings" className="ml-2 text-[12.5px] text-zinc-500 hover:text-zinc-900" data-testid="settings-storage-link">
          Storage &amp; retention
        </Link>
        <div className="ml-auto flex gap-1.5">
          <button type="button" className={buttonClass} onClick={() => setEditing("")} disabled={creating} data-testid="profile-new">
            Custom profile
          </button>
          <button type="button" className={primaryButtonClass} onClick={() => setAdding(true)} disabled={adding} data-testid="agent-add">
            + Add agent
          </button>
        </div>
      </div>
      <p className="mb-3 text-[12px] text-zinc-500">
        A profile is a named, configured agent backend that flow nodes refer to. Secrets are stored only as <code className="font-mono">$ENV_VAR</code> references and read from Baton&apos;s environment when a step starts. Each agent profile gets its own HOME under the data dir. <b>Installed</b> shows what was checked: <b>installed</b> (found, nothing started), <b>started</b> (Test connection: one real initialize) or <b>authenticated</b> (Check login: a session opens). <b>Signed in / key</b> is apart from it: whether the key variables the profile refers to are set, or that Check login signed in. Nothing here starts an agent unless you press a button.
      </p>
      <div className="overflow-hidden rounded-md border border-zinc-200 bg-white">
        {adding ? (
          <AddAgent
            taken={new Set(profiles.data?.map((p) => p.id) ?? [])}
            onClose={() => setAdding(false)}
            onAdded={(profile) => {
              setAdding(false);
              setAdded(profile.id);
            }}
          />
        ) : null}
        {creating ? (
          <div data-testid="profile-create">
            <div className="px-3 pt-2 text-[12px] font-semibold text-zinc-700">New profile</div>
            <ProfileForm profile={null} onDone={() => setEditing(null)} />
          </div>
        ) : null}
        <table className="w-full table-fixed border-collapse text-[12.5px]" data-testid="profiles-table">
          <thead>
            <tr className="border-b border-zinc-200 bg-zinc-50 text-left text-[11px] font-semibold uppercase tracking-wide text-zinc-500">
              <th className="w-52 px-3 py-1.5">Profile</th>
              <th className="w-24 px-3 py-1.5">Backend</th>
              <th className="px-3 py-1.5">Runs</th>
              <th className="w-[22rem] px-3 py-1.5">Installed</th>
              <th className="w-44 px-3 py-1.5">Signed in / key</th>
              <th className="w-36 px-3 py-1.5" />
            </tr>
          </thead>
          <tbody>
            {profiles.isPending ? (
              <tr>
                <td colSpan={6} className="px-3 py-6 text-center text-zinc-400">
                  Loading…
                </td>
              </tr>
            ) : null}
            {profiles.error ? (
              <tr>
                <td colSpan={6} className="px-3 py-6 text-center text-red-600" data-testid="profiles-error">
                  {profiles.error.message}
                </td>
              </tr>
            ) : null}
            {profiles.data?.map((profile) => (
              <ProfileRow
                key={profile.id}
                profile={profile}
                editing={editing === profile.id}
                autoTest={added === profile.id}
                onEdit={() => setEditing(profile.id)}
                onDone={() => setEditing(null)}
              />
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
