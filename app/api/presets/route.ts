import { json, route } from "@/lib/http/route";
import { findExecutable } from "@/lib/agents/command/find-executable";
import { PRESETS } from "@/lib/profiles/presets";

export const dynamic = "force-dynamic";

/** The agent presets, each binary field's default looked up on Baton's PATH (found path or null). */
export const GET = route(async () => {
  const presets = await Promise.all(
    PRESETS.map(async (preset) => {
      const found: Record<string, string | null> = {};
      for (const field of preset.fields) {
        if (field.kind === "binary" && field.default) found[field.key] = await findExecutable(field.default);
      }
      return { ...preset, found };
    }),
  );
  return json({ presets });
});
