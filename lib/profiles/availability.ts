/**
 * Availability per profile, cached briefly: checks spawn agent processes or call endpoints,
 * and the settings page, the editor's profile picker and step starts all ask. A cached
 * answer is keyed by the profile's backend + config, so an edit invalidates it; concurrent
 * askers share one in-flight check.
 */
import type { AgentBackend, Availability } from "../agents/types";
import type { AgentProfileRow } from "../db/schema";

export const AVAILABILITY_TTL_MS = 30_000;

export interface ProfileAvailability extends Availability {
  /** ISO time the check finished. */
  checkedAt: string;
}

export type BackendLookup = (backend: AgentBackend["id"]) => Pick<AgentBackend, "availability">;
type ProfileLike = Pick<AgentProfileRow, "id" | "backend" | "config" | "enabled">;

interface Entry {
  key: string;
  startedAt: number;
  pending: Promise<ProfileAvailability>;
  settled?: ProfileAvailability;
}

// On globalThis: Next's dev server loads modules more than once, and one cache should serve all.
const shared = globalThis as unknown as { __batonAvailability?: Map<string, Entry> };
function cache(): Map<string, Entry> {
  shared.__batonAvailability ??= new Map();
  return shared.__batonAvailability;
}

function keyOf(profile: ProfileLike): string {
  return `${profile.backend}:${profile.enabled}:${JSON.stringify(profile.config)}`;
}

async function runCheck(profile: ProfileLike, lookup: BackendLookup, now: () => number): Promise<ProfileAvailability> {
  const done = (a: Availability): ProfileAvailability => ({ ...a, checkedAt: new Date(now()).toISOString() });
  if (!profile.enabled) return done({ available: false, reason: "profile is disabled" });
  try {
    const backend = lookup(profile.backend as AgentBackend["id"]);
    return done(await backend.availability((profile.config ?? {}) as Record<string, unknown>));
  } catch (error) {
    return done({ available: false, reason: `availability check failed: ${error instanceof Error ? error.message : String(error)}` });
  }
}

export function checkProfileAvailability(
  profile: ProfileLike,
  options: { lookup: BackendLookup; force?: boolean; now?: () => number },
): Promise<ProfileAvailability> {
  const now = options.now ?? Date.now;
  const key = keyOf(profile);
  const entry = cache().get(profile.id);
  const fresh = entry && entry.key === key && (!entry.settled || now() - Date.parse(entry.settled.checkedAt) < AVAILABILITY_TTL_MS);
  if (entry && fresh && !(options.force && entry.settled)) return entry.pending;
  const next: Entry = { key, startedAt: now(), pending: runCheck(profile, options.lookup, now) };
  next.pending.then((value) => (next.settled = value));
  cache().set(profile.id, next);
  return next.pending;
}

/** The last finished check if it is still valid for this config, else null (never checks). */
export function cachedAvailability(profile: ProfileLike, now: () => number = Date.now): ProfileAvailability | null {
  const entry = cache().get(profile.id);
  if (!entry?.settled || entry.key !== keyOf(profile)) return null;
  return now() - Date.parse(entry.settled.checkedAt) < AVAILABILITY_TTL_MS ? entry.settled : null;
}

export function forgetAvailability(id: string): void {
  cache().delete(id);
}
