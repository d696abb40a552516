/**
 * "Ready" means pages answer at once. A production server answers /api/health within a second
 * of starting, but the first request to each route still loads that route's server bundle
 * (and the database's first queries), which takes seconds on a slow machine. The launcher
 * waits for health, then requests every page and the API reads those pages make on load,
 * once each, before printing the URL — so a person's first visit of any page is a warm one.
 *
 * Invariant: warming only reads (GET, and the event stream closed as soon as it answers);
 * it never starts, changes or probes anything.
 */
export interface WarmResult {
  path: string;
  status: number;
  ms: number;
}

/** Polls `${origin}/api/health` until it answers 200, `alive()` turns false, or the deadline passes. */
export async function waitForHealth(
  origin: string,
  options: { headers: Record<string, string>; alive: () => boolean; timeoutMs: number },
): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline && options.alive()) {
    try {
      const response = await fetch(`${origin}/api/health`, { headers: options.headers, signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      if (response.ok) return true;
    } catch {
      // Not listening yet (or the database is still opening): try again.
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  return false;
}

async function firstId(origin: string, path: string, key: string, headers: Record<string, string>): Promise<string | null> {
  try {
    const response = await fetch(`${origin}${path}`, { headers });
    if (!response.ok) return null;
    const body = (await response.json()) as Record<string, unknown>;
    const list = body[key];
    const first = Array.isArray(list) ? (list[0] as { id?: unknown } | undefined) : undefined;
    return typeof first?.id === "string" ? first.id : null;
  } catch {
    return null;
  }
}

/**
 * The paths to warm. Dynamic routes use a real flow and run when there are some (their reads
 * then warm the same queries a visit makes) and a placeholder id otherwise (the route's
 * bundle still loads; the answer is a 404).
 */
export function warmPaths(flowId: string | null, runId: string | null): string[] {
  const flow = encodeURIComponent(flowId ?? "warm-up");
  const run = encodeURIComponent(runId ?? "warm-up");
  return [
    "/flows",
    "/api/flows",
    `/flows/${flow}`,
    `/api/flows/${flow}`,
    `/api/flows/${flow}/versions`,
    "/runs",
    "/api/runs",
    `/runs/${run}`,
    `/api/runs/${run}`,
    `/api/runs/${run}/events`,
    "/settings",
    "/settings/agents",
    "/api/settings",
    "/api/profiles",
    "/api/presets",
    "/api/workers",
  ];
}

async function warmOne(origin: string, path: string, headers: Record<string, string>): Promise<WarmResult> {
  const started = performance.now();
  const controller = new AbortController();
  try {
    const response = await fetch(`${origin}${path}`, { headers, redirect: "manual", signal: controller.signal });
    // An event stream never ends: its headers are the answer.
    if (response.headers.get("content-type")?.startsWith("text/event-stream")) controller.abort();
    else await response.arrayBuffer();
    return { path, status: response.status, ms: performance.now() - started };
  } catch {
    return { path, status: 0, ms: performance.now() - started };
  }
}

/** Requests every path once, in order (two at a time would only contend for the same cores). */
export async function warmPages(origin: string, headers: Record<string, string>): Promise<WarmResult[]> {
  const [flowId, runId] = await Promise.all([
    firstId(origin, "/api/flows", "flows", headers),
    firstId(origin, "/api/runs", "runs", headers),
  ]);
  const results: WarmResult[] = [];
  for (const path of warmPaths(flowId, runId)) results.push(await warmOne(origin, path, headers));
  return results;
}
