/**
 * The web page where a pushed branch becomes a pull/merge request, derived from the remote's
 * URL alone (no forge API). Pure.
 *
 * GitHub-shaped: host github.com (or a GitHub Enterprise host named github.*) →
 *   https://<host>/<owner>/<repo>/compare/<base>...<branch>?expand=1
 * GitLab-shaped: a host named gitlab.* (or containing ".gitlab.") → nested groups allowed →
 *   https://<host>/<group…>/<repo>/-/merge_requests/new?merge_request[source_branch]=…&merge_request[target_branch]=…
 * Anything else (a path on disk, an unknown forge) → null.
 *
 * Accepted URL forms: https://host/owner/repo(.git), ssh://git@host[:port]/owner/repo(.git),
 * and scp-like git@host:owner/repo(.git). Credentials in the URL are never echoed.
 */

interface ParsedRemote {
  host: string;
  path: string[];
}

function parseRemote(url: string): ParsedRemote | null {
  const trimmed = url.trim();
  let host: string;
  let rest: string;
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/.exec(trimmed);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch {
      return null;
    }
    if (!["http:", "https:", "ssh:", "git:"].includes(parsed.protocol)) return null;
    host = parsed.hostname;
    rest = decodeURIComponent(parsed.pathname);
  } else if (scp && !trimmed.startsWith("/")) {
    host = scp[1];
    rest = scp[2];
  } else return null;
  const path = rest.replace(/^\/+|\/+$/g, "").replace(/\.git$/, "").split("/").filter(Boolean);
  if (!host || path.length < 2) return null;
  return { host: host.toLowerCase(), path };
}

export type ForgeKind = "github" | "gitlab";

export function forgeOf(host: string): ForgeKind | null {
  if (host === "github.com" || host.startsWith("github.")) return "github";
  if (host === "gitlab.com" || host.startsWith("gitlab.") || host.includes(".gitlab.")) return "gitlab";
  return null;
}

export function compareUrl(remoteUrl: string, base: string, branch: string): string | null {
  const remote = parseRemote(remoteUrl);
  if (!remote) return null;
  const forge = forgeOf(remote.host);
  const project = remote.path.map(encodeURIComponent).join("/");
  if (forge === "github") {
    if (remote.path.length !== 2) return null;
    return `https://${remote.host}/${project}/compare/${encodeURIComponent(base)}...${encodeURIComponent(branch)}?expand=1`;
  }
  if (forge === "gitlab") {
    const query = `merge_request%5Bsource_branch%5D=${encodeURIComponent(branch)}&merge_request%5Btarget_branch%5D=${encodeURIComponent(base)}`;
    return `https://${remote.host}/${project}/-/merge_requests/new?${query}`;
  }
  return null;
}

/** The URL to show a person: user:password@ removed. */
export function redactRemoteUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/\s]*@/i, "$1");
}
