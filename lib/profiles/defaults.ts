/** Profiles seeded on first start. `demo` is built in and needs nothing installed. */
import type { NewProfile } from "./repository";

export const DEFAULT_PROFILES: NewProfile[] = [
  {
    id: "demo",
    backend: "demo",
    label: "Demo agent (offline, deterministic)",
    config: {},
  },
];
