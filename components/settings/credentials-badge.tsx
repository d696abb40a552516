"use client";
/**
 * A profile's credentials, shown apart from whether its program is installed: "signed in"
 * (Check login opened a session), "key set" / "key not set: $X" (the `$VAR`s its config
 * refers to, looked up in Baton's environment — never their values), "none needed" (demo),
 * or "own login, not checked" (no key variable: the agent uses its own login, which only
 * Check login proves). Reads the availability check the row already holds; never checks.
 */
import { useQuery } from "@tanstack/react-query";
import { profileKeys, type AvailabilityDto, type ProfileDto } from "./profiles-api";

const tone = {
  good: "bg-emerald-50 text-emerald-700",
  bad: "bg-red-50 text-red-700",
  plain: "bg-zinc-100 text-zinc-600",
};

function Pill({ kind, testId, title, children }: { kind: keyof typeof tone; testId: string; title?: string; children: React.ReactNode }) {
  return (
    <span className={`inline-flex max-w-full items-center gap-1 truncate rounded px-1.5 py-px text-[11px] font-medium ${tone[kind]}`} data-testid={testId} title={title}>
      {children}
    </span>
  );
}

export function CredentialsBadge({ profile }: { profile: ProfileDto }) {
  // The same cache entry AvailabilityBadge fills; `enabled: false` only reads it.
  const availability = useQuery<AvailabilityDto>({
    queryKey: [...profileKeys.availability(profile.id), profile.updatedAt],
    enabled: false,
  });
  const data = availability.data;
  if (data?.checked === "authenticated" && data.available) return <Pill kind="good" testId="credentials-signed-in">signed in</Pill>;
  const missing = profile.keys.filter((k) => !k.set).map((k) => `$${k.name}`);
  if (missing.length > 0) {
    return (
      <Pill kind="bad" testId="credentials-key-missing" title="Set it in Baton's environment and restart Baton">
        key not set: {missing.join(", ")}
      </Pill>
    );
  }
  if (profile.keys.length > 0) {
    const names = profile.keys.map((k) => `$${k.name}`).join(", ");
    return (
      <Pill kind="good" testId="credentials-key-set" title={`${names} set in Baton's environment`}>
        key set ({names})
      </Pill>
    );
  }
  if (profile.backend === "demo") return <Pill kind="plain" testId="credentials-none">none needed</Pill>;
  return (
    <Pill kind="plain" testId="credentials-unchecked" title="No key variable: the agent uses its own login. Check login proves it.">
      own login, not checked
    </Pill>
  );
}
