import { describe, expect, it } from "vitest";
import { isNextBannerLine } from "./next-banner";

describe("isNextBannerLine", () => {
  it("drops Next's start-up banner, coloured or not", () => {
    for (const line of ["   ▲ Next.js 16.4.6", "   - Local:        http://127.0.0.1:3000", "   - Network:      http://127.0.0.1:3000", "", " ✓ Starting...", " \x1b[32m✓\x1b[39m Ready in 312ms", "✓ Running next.config.ts took 552ms"]) {
      expect(isNextBannerLine(line), line).toBe(true);
    }
  });
  it("keeps everything else the server prints", () => {
    for (const line of ["[baton] run r1 started: Example v1 (ui) — /runs/r1", " ⨯ Error: boom", "Warning: something", "- Local files changed"]) {
      expect(isNextBannerLine(line), line).toBe(false);
    }
  });
});
