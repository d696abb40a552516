/**
 * Where a step works. Today: a per-attempt scratch directory under the data dir, so the demo
 * agent (and any agent) has a real cwd to write in. The git engineer swaps this one function
 * for worktrees (refs/baton/<run>/<node>-<attempt>); nothing else decides a step's cwd.
 */
import fs from "node:fs/promises";
import path from "node:path";

export interface WorkspaceRequest {
  dataDir: string;
  runId: string;
  key: string;
  attempt: number;
  mode: "code" | "none";
}

/** The step's working directory, created; null for workspace "none". */
export async function prepareWorkspace(request: WorkspaceRequest): Promise<string | null> {
  if (request.mode === "none") return null;
  // "#" in contestant keys is a legal path character; keep the key readable in the path.
  const dir = path.join(request.dataDir, "scratch", request.runId, `${request.key}-${request.attempt}`);
  await fs.mkdir(dir, { recursive: true });
  return dir;
}

/** A throwaway directory for commands that have no worktree and no repo to run in. */
export async function scratchDir(dataDir: string, runId: string, name: string): Promise<string> {
  const dir = path.join(dataDir, "scratch", runId, name);
  await fs.mkdir(dir, { recursive: true });
  return dir;
}
