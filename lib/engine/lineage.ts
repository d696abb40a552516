/**
 * Where a code step's worktree starts (pure). Glossary in lib/git/index.ts.
 *
 * The "upstream code steps" of a step are the nearest upstream nodes that have a result
 * commit: the walk goes up the node graph through nodes without one (approvals, concat
 * folds over text, agents with workspace "none") until it meets a commit or a root.
 * - none found: the run's base commit;
 * - one: that commit;
 * - several: their merge, in edge order (duplicates dropped; a commit that is an ancestor
 *   of another fast-forwards inside the merge, see lib/git/prepare-worktree.ts).
 * An arena is seen through its select step, whose result commit is the winner's.
 */

export interface LineageNode {
  /** The node's result commit (for an arena: the winner's), null when it has none. */
  resultCommit: string | null;
  /** Direct upstream node ids, in edge order. */
  upstream: readonly string[];
}

export type StartPoint = { commit: string } | { merge: string[] };

/** The nearest upstream nodes with a result commit, each with it (first seen per commit). */
export function upstreamSources(upstream: readonly string[], nodes: ReadonlyMap<string, LineageNode>): Array<{ nodeId: string; commit: string }> {
  const found: Array<{ nodeId: string; commit: string }> = [];
  const visited = new Set<string>();
  const visit = (nodeId: string) => {
    if (visited.has(nodeId)) return;
    visited.add(nodeId);
    const node = nodes.get(nodeId);
    if (!node) return;
    if (node.resultCommit) {
      if (!found.some((f) => f.commit === node.resultCommit)) found.push({ nodeId, commit: node.resultCommit });
      return;
    }
    for (const next of node.upstream) visit(next);
  };
  for (const nodeId of upstream) visit(nodeId);
  return found;
}

/** The nearest upstream result commits of a step whose direct upstream nodes are `upstream`. */
export function upstreamCommits(upstream: readonly string[], nodes: ReadonlyMap<string, LineageNode>): string[] {
  return upstreamSources(upstream, nodes).map((source) => source.commit);
}

/** Null when there is nothing to start from (no upstream commit and no base commit). */
export function startPointOf(
  upstream: readonly string[],
  nodes: ReadonlyMap<string, LineageNode>,
  baseCommit: string | null,
): StartPoint | null {
  const commits = upstreamCommits(upstream, nodes);
  if (commits.length === 0) return baseCommit ? { commit: baseCommit } : null;
  if (commits.length === 1) return { commit: commits[0] };
  return { merge: commits };
}
