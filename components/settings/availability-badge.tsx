"use client";
/**
 * A profile's availability and what was checked: installed (the program is found; nothing is
 * started — what the page shows by itself), started (Test connection: one real initialize,
 * with its time) or authenticated (Check login: a session opens in a scratch directory).
 * Errors are shown verbatim.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { profileAvailability, profileKeys, type AvailabilityDto, type AvailabilityLevel, type ProfileDto } from "./profiles-api";

const LABEL: Record<AvailabilityLevel, string> = { installed: "installed", started: "started", authenticated: "authenticated" };

function Badge({ data, backend }: { data: AvailabilityDto; backend: ProfileDto["backend"] }) {
  const level = data.checked;
  if (!data.available) {
    const label = level === "installed" ? "not installed" : level === "authenticated" ? "not authenticated" : backend === "openai" ? "unreachable" : level === "started" ? "does not start" : "unavailable";
    return (
      <span className="inline-flex shrink-0 items-center gap-1 rounded bg-red-50 px-1.5 py-px text-[11px] font-medium text-red-700" data-testid="availability-unavailable" data-checked={level ?? "available"}>
        <span className="h-1.5 w-1.5 rounded-full bg-red-500" />
        {label}
      </span>
    );
  }
  const strong = level !== "installed";
  const label = level ? LABEL[level] : backend === "openai" ? "reachable" : "available";
  return (
    <span
      className={`inline-flex shrink-0 items-center gap-1 rounded px-1.5 py-px text-[11px] font-medium ${strong ? "bg-emerald-50 text-emerald-700" : "bg-zinc-100 text-zinc-600"}`}
      data-testid="availability-available"
      data-checked={level ?? "available"}
    >
      <span className={`h-1.5 w-1.5 rounded-full ${strong ? "bg-emerald-500" : "bg-zinc-400"}`} />
      {label}
      {data.ms !== undefined ? <span className="font-normal opacity-80">· {data.ms} ms</span> : null}
    </span>
  );
}

export function AvailabilityBadge({ profile, autoTest = false }: { profile: ProfileDto; autoTest?: boolean }) {
  const queryClient = useQueryClient();
  const key = [...profileKeys.availability(profile.id), profile.updatedAt];
  const [running, setRunning] = useState<AvailabilityLevel | null>(null);
  const query = useQuery({
    queryKey: key,
    queryFn: () => profileAvailability(profile.id, false, autoTest ? "started" : "installed"),
    initialData: autoTest ? undefined : (profile.availability ?? undefined),
    staleTime: 30_000,
    retry: false,
  });

  const check = async (level: AvailabilityLevel) => {
    setRunning(level);
    try {
      queryClient.setQueryData(key, await profileAvailability(profile.id, true, level));
    } catch (error) {
      queryClient.setQueryData(key, { available: false, checked: level, reason: error instanceof Error ? error.message : String(error), checkedAt: new Date().toISOString() });
    } finally {
      setRunning(null);
    }
  };

  const busy = running !== null || query.isFetching;
  const reason = running ? null : (query.data?.reason ?? query.error?.message ?? null);
  return (
    <div className="min-w-0" data-testid="availability" data-profile-id={profile.id}>
      <div className="flex min-w-0 items-center gap-1.5">
        {running || query.isPending ? (
          <span className="inline-flex shrink-0 items-center gap-1 rounded bg-zinc-100 px-1.5 py-px text-[11px] text-zinc-600" data-testid="availability-checking">
            <span className="h-1.5 w-1.5 animate-pulse rounded-full bg-zinc-400" />
            {running === "authenticated" ? "opening a session…" : running === "started" || autoTest ? "starting…" : "checking…"}
          </span>
        ) : query.error ? (
          <span className="rounded bg-amber-50 px-1.5 py-px text-[11px] text-amber-800" data-testid="availability-error">
            check failed
          </span>
        ) : (
          <Badge data={query.data} backend={profile.backend} />
        )}
        {profile.backend === "acp" || profile.backend === "openai" ? (
          <span className="ml-auto inline-flex shrink-0 gap-1">
            <button type="button" className="rounded px-1 text-[11px] text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 disabled:opacity-40" onClick={() => void check("started")} disabled={busy} data-testid="availability-test">
              Test connection
            </button>
            {profile.backend === "acp" ? (
              <button type="button" className="rounded px-1 text-[11px] text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 disabled:opacity-40" onClick={() => void check("authenticated")} disabled={busy} data-testid="availability-login">
                Check login
              </button>
            ) : null}
          </span>
        ) : (
          <button type="button" className="ml-auto shrink-0 text-[11px] text-zinc-400 hover:text-zinc-800 disabled:opacity-40" onClick={() => void check("installed")} disabled={busy} title="Check again now" data-testid="availability-recheck">
            ↻
          </button>
        )}
      </div>
      {reason ? (
        <div className="mt-0.5 truncate text-[11.5px] text-zinc-500" title={reason} data-testid="availability-reason">
          {reason}
        </div>
      ) : null}
    </div>
  );
}
