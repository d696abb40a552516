/**
 * Response headers every answer carries (set by the proxy). Baton's pages have buttons that
 * act (approve, re-run, cancel), so no other site may frame them (clickjacking); responses
 * are never MIME-sniffed; and URLs (run ids, paths) don't leak to other sites via Referer.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "x-frame-options": "DENY",
  "content-security-policy": "frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
};
