/**
 * Next's own start-up banner (`▲ Next.js 16…`, `- Local: …`, `✓ Ready in 300ms`) says the
 * server is ready before any page has been compiled or loaded, and names an address that may
 * not be the one to open. The launcher prints its own line once pages really answer, so it
 * drops these lines from the server's output; everything else the server prints (errors, the
 * run log) passes through untouched.
 */
const BANNER = [
  /^\s*▲ Next\.js \d/,
  /^\s*- (Local|Network|Environments?|Experiments?):/,
  /^\s*✓ (Starting|Ready in|Running next\.config)\b/,
  /^\s*$/,
];

export function isNextBannerLine(line: string): boolean {
  // Next colours some of these; match on the text.
  const text = line.replace(/\x1b\[[0-9;]*m/g, "");
  return BANNER.some((pattern) => pattern.test(text));
}
