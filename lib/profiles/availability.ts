/**
 * Availability per profile for the settings page and the editor's profile picker, cached
 * briefly per level (installed / started / authenticated; see AvailabilityLevel): a
 * "started" check spawns the agent, so it runs only when someone asks for it. A cached
 * answer is keyed by the profile's backend + config, so an edit invalidates it; concurrent
 * askers share one in-flight check. Steps never ask: their own start is the check.
 */
import type { AgentBackend, Availability, AvailabilityLevel } from "../agents/types";
import type { AgentProfileRow } from "../db/schema";
import { agentEnvOf, prepareAgentHomeOrThrow } from "./home";

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

interface CheckOptions {
  lookup: BackendLookup;
  force?: boolean;
  now?: () => number;
  level?: AvailabilityLevel;
  /** Where profile HOMEs live (checks that start the agent give it its HOME, as a step would). */
  dataDir?: string;
}

async function runCheck(profile: ProfileLike, options: CheckOptions, now: () => number): Promise<ProfileAvailability> {
  const done = (a: Availability): ProfileAvailability => ({ ...a, checkedAt: new Date(now()).toISOString() });
  if (!profile.enabled) return done({ available: false, reason: "profile is disabled" });
  try {
    const backend = options.lookup(profile.backend as AgentBackend["id"]);
    const config = (profile.config ?? {}) as Record<string, unknown>;
    const level = options.level ?? "installed";
    let env: Record<string, string> | undefined;
    if (options.dataDir && level !== "installed") {
      const agentEnv = agentEnvOf({ id: profile.id, config }, options.dataDir);
      await prepareAgentHomeOrThrow(agentEnv, config.homeFiles);
      env = agentEnv.env;
    }
    return done(await backend.availability(config, { level, ...(env ? { env } : {}) }));
  } catch (error) {
    return done({ available: false, reason: `availability check failed: ${error instanceof Error ? error.message : String(error)}` });
  }
}

export function checkProfileAvailability(profile: ProfileLike, options: CheckOptions): Promise<ProfileAvailability> {
  const now = options.now ?? Date.now;
  const key = keyOf(profile);
  const slot = `${profile.id}\0${options.level ?? "installed"}`;
  const entry = cache().get(slot);
  const fresh = entry && entry.key === key && (!entry.settled || now() - Date.parse(entry.settled.checkedAt) < AVAILABILITY_TTL_MS);
  if (entry && fresh && !(options.force && entry.settled)) return entry.pending;
  const next: Entry = { key, startedAt: now(), pending: runCheck(profile, options, now) };
  next.pending.then((value) => (next.settled = value));
  cache().set(slot, next);
  return next.pending;
}

const LEVELS: readonly AvailabilityLevel[] = ["authenticated", "started", "installed"];

/**
 * The most thorough finished check still valid for this config (authenticated, then started,
 * then installed), else null. Never checks.
 */
export function cachedAvailability(profile: ProfileLike, now: () => number = Date.now): ProfileAvailability | null {
  for (const level of LEVELS) {
    const entry = cache().get(`${profile.id}\0${level}`);
    if (!entry?.settled || entry.key !== keyOf(profile)) continue;
    if (now() - Date.parse(entry.settled.checkedAt) < AVAILABILITY_TTL_MS) return entry.settled;
  }
  return null;
}

export function forgetAvailability(id: string): void {
  for (const level of LEVELS) cache().delete(`${id}\0${level}`);
}
