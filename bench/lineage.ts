/**
 * What sharing lineage through a git remote costs a step, on generated repositories (~1k and
 * ~10k files of a few KB) with a bare "origin" on this machine (file transport: the figures
 * exclude network latency, which adds a round trip or two per operation):
 *
 * - publish: pushing an attempt's result commit (an agent-sized change: 3 files edited, 1
 *   added) plus the base ref, as a worker does after committing;
 * - ensure (fetch): fetching that commit into another clone that lacks it, as the next
 *   step's worker does before preparing its worktree;
 * - ensure (present): the check alone when the commit is already there (same machine);
 *
 * each against a raw `git worktree add --detach` of the same commit in the same clone, in the
 * same run (the per-step floor git sets for any worktree on this machine).
 *
 *   npx tsx bench/lineage.ts [--runs 10] [--sizes 1000,10000]
 */
import fs from "node:fs/promises";
import path from "node:path";
import { ensureCommitsOrThrow, lineageAttemptRef, lineageBaseRef, publishCommitsOrThrow, type LineageLink } from "../lib/git/remote";
import { commitFiles, git, makeTempDir } from "../lib/git/test-repos";

type Operation = "publish (push)" | "ensure (fetch)" | "ensure (present)" | "git worktree add (raw)";
const OPERATIONS: Operation[] = ["publish (push)", "ensure (fetch)", "ensure (present)", "git worktree add (raw)"];

async function generate(repo: string, files: number): Promise<void> {
  await fs.mkdir(repo, { recursive: true });
  await git(repo, "init", "-q", "-b", "main");
  for (let i = 0; i < files; i++) {
    const file = path.join(repo, `src/d${i % 100}/f${i}.ts`);
    if (i % 1000 === 0 || i < 100) await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, `// file ${i}\n${`export const v${i} = ${i};\n`.repeat(60)}`);
  }
  await git(repo, "add", "-A");
  await git(repo, "commit", "-q", "--no-verify", "-m", "generated");
  await git(repo, "gc", "-q");
}

async function measureSize(files: number, runs: number): Promise<Record<Operation, number[]>> {
  const dir = await makeTempDir(`baton-bench-lineage-${files}`);
  try {
    const origin = path.join(dir, "origin.git");
    const a = path.join(dir, "a");
    const b = path.join(dir, "b");
    await generate(a, files);
    await git(dir, "init", "-q", "--bare", origin);
    await git(a, "push", "-q", origin, "main");
    await git(dir, "clone", "-q", origin, b);
    const base = await git(a, "rev-parse", "HEAD");
    const link = (repo: string): LineageLink => ({ repo, remote: origin, timeoutMs: 120_000, attempts: 1 });
    const samples = Object.fromEntries(OPERATIONS.map((op) => [op, [] as number[]])) as Record<Operation, number[]>;
    const time = async (op: Operation, work: () => Promise<unknown>) => {
      const started = performance.now();
      await work();
      samples[op].push(performance.now() - started);
    };
    for (let i = 0; i < runs; i++) {
      const edits = Object.fromEntries([1, 2, 3].map((k) => [`src/d${k}/f${(i * 7 + k) % files}.ts`, `// edited in step ${i}\n`]));
      const commit = await commitFiles(a, { ...edits, [`src/new-${i}.ts`]: `export const added = ${i};\n` }, `step ${i}`);
      await time("publish (push)", () =>
        publishCommitsOrThrow(link(a), [
          { ref: lineageAttemptRef("bench", `step${i}`, 1), commit },
          { ref: lineageBaseRef("bench"), commit: base },
        ]),
      );
      await time("ensure (fetch)", () => ensureCommitsOrThrow(link(b), "bench", [commit]));
      await time("ensure (present)", () => ensureCommitsOrThrow(link(b), "bench", [commit]));
      const worktree = path.join(dir, `wt-${i}`);
      await time("git worktree add (raw)", () => git(b, "worktree", "add", "-q", "--detach", worktree, commit));
      await git(b, "worktree", "remove", "--force", worktree);
    }
    return samples;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const value = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const runs = Number(value("--runs") ?? 10);
  const sizes = (value("--sizes") ?? "1000,10000").split(",").map(Number);
  const { loadavg } = await import("node:os");
  console.log(`lineage through a local bare remote, ${runs} steps per size; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  for (const files of sizes) {
    const samples = await measureSize(files, runs);
    const floor = percentile(samples["git worktree add (raw)"], 50);
    console.log(`\n${files} files`);
    console.log(`${"operation".padEnd(26)}${"p50 ms".padStart(9)}${"p95 ms".padStart(9)}${"p50 / raw worktree add".padStart(25)}`);
    for (const op of OPERATIONS) {
      const p50 = percentile(samples[op], 50);
      const p95 = percentile(samples[op], 95);
      console.log(`${op.padEnd(26)}${p50.toFixed(0).padStart(9)}${p95.toFixed(0).padStart(9)}${`${(p50 / floor).toFixed(2)}×`.padStart(25)}`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
