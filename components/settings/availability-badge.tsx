"use client";
/** A profile's availability: checking… / available / unavailable, with the reason. */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { profileAvailability, profileKeys, type AvailabilityDto, type ProfileDto } from "./profiles-api";

export function AvailabilityBadge({ profile }: { profile: ProfileDto }) {
  const queryClient = useQueryClient();
  const [refreshing, setRefreshing] = useState(false);
  const query = useQuery({
    queryKey: [...profileKeys.availability(profile.id), profile.updatedAt],
    queryFn: () => profileAvailability(profile.id),
    initialData: profile.availability ?? undefined,
    staleTime: 30_000,
    retry: false,
  });

  const recheck = async () => {
    setRefreshing(true);
    try {
      const fresh: AvailabilityDto = await profileAvailability(profile.id, true);
      queryClient.setQueryData([...profileKeys.availability(profile.id), profile.updatedAt], fresh);
    } finally {
      setRefreshing(false);
    }
  };

  let badge: React.ReactNode;
  let reason = "";
  if (query.isPending || refreshing) {
    badge = (
      <span className="inline-flex items-center gap-1 rounded bg-zinc-100 px-1.5 py-px text-[11px] text-zinc-600" data-testid="availability-checking">
        <span className="h-1.5 w-1.5 animate-pulse rounded-full bg-zinc-400" />
        checking…
      </span>
    );
  } else if (query.error) {
    badge = <span className="rounded bg-amber-50 px-1.5 py-px text-[11px] text-amber-800" data-testid="availability-error">check failed</span>;
    reason = query.error.message;
  } else if (query.data.available) {
    badge = (
      <span className="inline-flex items-center gap-1 rounded bg-emerald-50 px-1.5 py-px text-[11px] font-medium text-emerald-700" data-testid="availability-available">
        <span className="h-1.5 w-1.5 rounded-full bg-emerald-500" />
        available
      </span>
    );
    reason = query.data.reason;
  } else {
    badge = (
      <span className="inline-flex items-center gap-1 rounded bg-red-50 px-1.5 py-px text-[11px] font-medium text-red-700" data-testid="availability-unavailable">
        <span className="h-1.5 w-1.5 rounded-full bg-red-500" />
        unavailable
      </span>
    );
    reason = query.data.reason;
  }

  return (
    <div className="flex min-w-0 items-center gap-1.5" data-testid="availability" data-profile-id={profile.id}>
      {badge}
      {reason ? (
        <span className="min-w-0 truncate text-[11.5px] text-zinc-500" title={reason} data-testid="availability-reason">
          {reason}
        </span>
      ) : null}
      <button
        type="button"
        className="ml-auto shrink-0 text-[11px] text-zinc-400 hover:text-zinc-800 disabled:opacity-40"
        onClick={() => void recheck()}
        disabled={refreshing || query.isFetching}
        title="Check again now"
        data-testid="availability-recheck"
      >
        ↻
      </button>
    </div>
  );
}
