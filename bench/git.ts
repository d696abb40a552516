/**
 * Git lineage timings on generated repositories (~1k, ~10k and ~50k files of a few KB, packed
 * like a real clone): per step, the worktree setup from the repository's pool
 * (prepareWorktreeOrThrow with a pool: take + checkout of what differs + clean) and without
 * one (a fresh `git worktree add`, what every step paid before the pool), the merge-of-2 setup
 * from the pool, returning a worktree to the pool, the diff and the commit after an
 * agent-sized change (a few files edited, one added, one deleted), and a raw
 * `git worktree add` of the same commit as the floor git itself sets on this machine (plus
 * its `git worktree remove`, which returning to the pool replaces), and plain fs writes of
 * the same files as the filesystem's floor. p50/p95 wall time over `runs` steps each (fewer
 * for 50k files), the CPU time git spent, and each pool figure's ratio to the raw add
 * measured in the same run (wall times on a shared machine swing with its load and its disk;
 * run with TMPDIR=/dev/shm to take the disk out and see git's and Baton's own cost).
 * With `chain`, the issue-14 end-to-end row (bench/git-chain.ts) on the 10k-file repository.
 *
 *   npx tsx bench/git.ts [--runs 20] [--sizes 1000,10000,50000] [--chain]
 *   (runGitBench() is also called by `npm run bench`)
 *
 * Targets (issue 14): pool setup p50 <= 100 ms on 1k files; on 10k files pool setup p50 <=
 * 300 ms and >= 30× faster than the raw add, merge-of-2 setup <= 600 ms, return <= 100 ms.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { commitWorktreeOrThrow } from "../lib/git/commit-worktree";
import { diffWorktree } from "../lib/git/diff-worktree";
import { prepareWorktreeOrThrow } from "../lib/git/prepare-worktree";
import { removeWorktree } from "../lib/git/remove-worktree";
import { commitFiles, git, makeTempDir, writeFiles } from "../lib/git/test-repos";
import { evictIdleWorktrees, returnWorktreeToPool, type PoolLimits } from "../lib/git/worktree-pool";
import { formatChain, measureChain, type ChainFigures } from "./git-chain";

export interface GitBenchOptions {
  /** Repository sizes in files. Default [1000, 10000]. */
  sizes?: number[];
  /** Steps measured per size. Default 20. */
  runs?: number;
  /** Progress and table output. Default console.log. */
  log?: (line: string) => void;
  /** Also the 4-step chain through the Run API on the 10k-file repository (needs Postgres). */
  chain?: boolean;
}

export interface Timing {
  p50: number;
  p95: number;
  /**
   * Mean CPU time (user + system) of the git processes per step, from the kernel's account
   * of waited-for children (Linux /proc; null elsewhere). Unlike wall time it barely moves
   * when other processes compete for the CPU, so it is the figure to compare across machines.
   */
  gitCpuMs: number | null;
}

export type GitBenchOperation =
  | "setup (pool)"
  | "setup (merge of 2, pool)"
  | "return to pool"
  | "setup (no pool: worktree add)"
  | "git worktree add (raw)"
  | "git worktree remove (raw)"
  | "write the files (no git)"
  | "diff"
  | "commit";

export interface GitBenchResult {
  files: number;
  runs: number;
  repoBytes: number;
  operations: Record<GitBenchOperation, Timing>;
}

const OPERATIONS: GitBenchOperation[] = [
  "setup (pool)",
  "setup (merge of 2, pool)",
  "return to pool",
  "setup (no pool: worktree add)",
  "git worktree add (raw)",
  "git worktree remove (raw)",
  "write the files (no git)",
  "diff",
  "commit",
];
/** Rows printed with their ratio to the raw add measured in the same run. */
const VERSUS_RAW: GitBenchOperation[] = ["setup (pool)", "setup (merge of 2, pool)", "return to pool", "setup (no pool: worktree add)"];
/** Issue 14's targets: p50 ceilings (ms) per size and operation, and the speed-up over raw. */
const TARGETS: Array<{ files: number; op: GitBenchOperation; maxMs: number }> = [
  { files: 1000, op: "setup (pool)", maxMs: 100 },
  { files: 10_000, op: "setup (pool)", maxMs: 300 },
  { files: 10_000, op: "setup (merge of 2, pool)", maxMs: 600 },
  { files: 10_000, op: "return to pool", maxMs: 100 },
];
const SPEEDUP_TARGET = 30;
const POOL: PoolLimits = { size: 4, idleMs: 60 * 60_000 };
/** The no-git floor is the same every run; a few samples suffice. */
const FLOOR_RUNS = 5;

export async function runGitBench(options: GitBenchOptions = {}): Promise<GitBenchResult[]> {
  const sizes = options.sizes ?? [1000, 10_000, 50_000];
  const runs = options.runs ?? 20;
  const log = options.log ?? ((line: string) => console.log(line));
  const tmp = await makeTempDir("baton-bench-git");
  const loadBefore = os.loadavg()[0];
  const results: GitBenchResult[] = [];
  let chain: ChainFigures | null = null;
  try {
    for (const files of sizes) {
      log(`git: generating a repository of ${files} files...`);
      const generated = await generateRepo(path.join(tmp, `repo-${files}`), files);
      // A 50k-file checkout takes seconds per sample; a few samples show its shape.
      const steps = files > 20_000 ? Math.min(runs, 4) : runs;
      log(`git: measuring ${steps} steps on ${files} files...`);
      results.push({ ...(await measure(generated, path.join(tmp, `worktrees-${files}`), steps)), runs: steps });
      if (options.chain && files === 10_000) {
        log(`git: a 4-step chain through the Run API on ${files} files...`);
        chain = await measureChain(generated.repo, generated.base, files, path.join(tmp, `chain-${files}`));
      }
    }
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
  log(formatGitBench(results, [loadBefore, os.loadavg()[0]]));
  if (chain) log(formatChain(chain).join("\n"));
  return results;
}

export function formatGitBench(results: GitBenchResult[], load: [number, number]): string {
  const header = ["repository", "operation", "n", "p50 ms", "p95 ms", "git CPU ms", "raw add / this (p50)"];
  const rows = results.flatMap((r) =>
    OPERATIONS.map((op) => {
      const t = r.operations[op];
      const ratio = VERSUS_RAW.includes(op) ? `${(r.operations["git worktree add (raw)"].p50 / t.p50).toFixed(1)}×` : "";
      return [
        `${r.files} files, ${(r.repoBytes / 1024 / 1024).toFixed(1)} MB`,
        op,
        String(op === "write the files (no git)" ? Math.min(r.runs, FLOOR_RUNS) : r.runs),
        t.p50.toFixed(0),
        t.p95.toFixed(0),
        t.gitCpuMs === null ? "-" : t.gitCpuMs.toFixed(0),
        ratio,
      ];
    }),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 1 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
  const verdicts = TARGETS.flatMap(({ files, op, maxMs }) => {
    const r = results.find((x) => x.files === files);
    if (!r) return [];
    const p50 = r.operations[op].p50;
    return [`${op} p50 on ${files} files: ${p50.toFixed(0)} ms (target <= ${maxMs} ms: ${p50 <= maxMs ? "met" : "MISSED"})`];
  });
  const speedups = results
    .filter((r) => r.files === 10_000)
    .map((r) => {
      const speedup = r.operations["git worktree add (raw)"].p50 / r.operations["setup (pool)"].p50;
      return `setup (pool) on ${r.files} files is ${speedup.toFixed(1)}× faster than a raw git worktree add (target >= ${SPEEDUP_TARGET}×: ${speedup >= SPEEDUP_TARGET ? "met" : "MISSED"})`;
    });
  return [
    `Git lineage per step (${os.cpus().length} CPUs, 1-min load ${load[0].toFixed(1)} -> ${load[1].toFixed(1)})`,
    line(header),
    ...rows.map(line),
    ...verdicts,
    ...speedups,
  ].join("\n");
}

interface GeneratedRepo {
  repo: string;
  base: string;
  /** Two commits on top of base touching different files, for the merge setup. */
  mergeInputs: [string, string];
  paths: string[];
  bytes: number;
}

/** `files` files of 1–4 KB in directories of 100, committed and packed. */
async function generateRepo(repo: string, files: number): Promise<GeneratedRepo> {
  await fs.mkdir(repo, { recursive: true });
  await git(repo, "init", "-q", "-b", "main");
  const paths = Array.from({ length: files }, (_, i) => `src/module-${Math.floor(i / 100)}/file-${i}.ts`);
  const bytes = await writeGeneratedFiles(repo, paths);
  await git(repo, "add", "-A");
  await git(repo, "commit", "-q", "-m", "generated");
  await git(repo, "repack", "-a", "-d", "-q");
  const base = await git(repo, "rev-parse", "HEAD");
  await git(repo, "checkout", "-q", "-b", "left");
  const left = await commitFiles(repo, { [paths[1]]: `${fileContent(1)}// left\n` }, "left");
  await git(repo, "checkout", "-q", "-b", "right", base);
  const right = await commitFiles(repo, { [paths[2]]: `${fileContent(2)}// right\n` }, "right");
  await git(repo, "checkout", "-q", "main");
  return { repo, base, mergeInputs: [left, right], paths, bytes };
}

/** Writes the generated file set under `dir`; returns the bytes written. */
async function writeGeneratedFiles(dir: string, paths: string[]): Promise<number> {
  let bytes = 0;
  for (let i = 0; i < paths.length; i++) {
    const content = fileContent(i);
    bytes += content.length;
    if (i % 100 === 0) await fs.mkdir(path.join(dir, path.dirname(paths[i])), { recursive: true });
    await fs.writeFile(path.join(dir, paths[i]), content);
  }
  return bytes;
}

function fileContent(i: number): string {
  const lines = 30 + (i % 90);
  let out = `// generated file ${i}\n`;
  for (let line = 0; line < lines; line++) out += `export const value${line} = ${(i * 31 + line) % 997}; // padding text\n`;
  return out;
}

async function measure(generated: GeneratedRepo, root: string, runs: number): Promise<GitBenchResult> {
  const samples = Object.fromEntries(OPERATIONS.map((op) => [op, { wall: [] as number[], cpu: [] as number[] }])) as Record<
    GitBenchOperation,
    { wall: number[]; cpu: number[] }
  >;
  async function timed<T>(op: GitBenchOperation, work: () => Promise<T>): Promise<T> {
    const cpuBefore = await childCpuMs();
    const started = performance.now();
    const result = await work();
    samples[op].wall.push(performance.now() - started);
    const cpuAfter = await childCpuMs();
    if (cpuBefore !== null && cpuAfter !== null) samples[op].cpu.push(cpuAfter - cpuBefore);
    return result;
  }

  const pool = { policy: "clean" as const, limits: POOL };
  for (let run = 0; run < runs; run++) {
    const base = { repo: generated.repo, root, runId: "run_bench", attempt: run };
    // What every step paid before the pool: a fresh worktree.
    const step = await timed("setup (no pool: worktree add)", () =>
      prepareWorktreeOrThrow({ ...base, nodeKey: "cold", start: { commit: generated.base } }),
    );

    // The same checkout without Baton around it: the floor git itself sets on this machine.
    const rawPath = path.join(root, "raw", String(run));
    await timed("git worktree add (raw)", () => git(generated.repo, "worktree", "add", "-q", "--detach", rawPath, generated.base));
    await timed("git worktree remove (raw)", () => removeWorktree(rawPath));

    // Writing the same files with plain fs calls: the filesystem's floor, git or not.
    if (run < FLOOR_RUNS) {
      const plainPath = path.join(root, "plain", String(run));
      await timed("write the files (no git)", () => writeGeneratedFiles(plainPath, generated.paths));
      await fs.rm(plainPath, { recursive: true, force: true });
    }

    // An agent-sized change: five edits, one new file, one deletion.
    const pick = (k: number) => generated.paths[(run * 7 + k * 131) % generated.paths.length];
    await writeFiles(step.path, {
      ...Object.fromEntries([1, 2, 3, 4, 5].map((k) => [pick(k), `${fileContent(k)}// edited in run ${run}\n`])),
      [`src/new-${run}.ts`]: "export const added = true;\n",
      [pick(6)]: null,
    });
    const snapshot = await timed("diff", () => diffWorktree(step.path, step.startCommit));
    if (snapshot.stats.files < 6) throw new Error(`bench: expected at least 6 changed files, saw ${snapshot.stats.files}`);
    await timed("commit", () => commitWorktreeOrThrow(step.path, `bench ${run}`, step.startCommit, { ref: step.ref }));
    await timed("return to pool", () => returnWorktreeToPool(root, generated.repo, step.path, POOL));

    // The next step takes it and moves it back to the base commit: 7 files differ.
    const pooled = await timed("setup (pool)", () => prepareWorktreeOrThrow({ ...base, nodeKey: "warm", start: { commit: generated.base }, pool }));
    if (pooled.origin !== "pool") throw new Error("bench: the pooled setup did not come from the pool");
    await returnWorktreeToPool(root, generated.repo, pooled.path, POOL);
    const merged = await timed("setup (merge of 2, pool)", () =>
      prepareWorktreeOrThrow({ ...base, nodeKey: "fold", start: { merge: generated.mergeInputs }, pool }),
    );
    await returnWorktreeToPool(root, generated.repo, merged.path, POOL);
  }
  await evictIdleWorktrees(root, generated.repo, { size: 0, idleMs: 0 });
  const operations = Object.fromEntries(
    OPERATIONS.map((op) => [
      op,
      { ...percentiles(samples[op].wall), gitCpuMs: op === "write the files (no git)" ? null : mean(samples[op].cpu) },
    ]),
  ) as Record<GitBenchOperation, Timing>;
  return { files: generated.paths.length, runs, repoBytes: generated.bytes, operations };
}

function percentiles(samples: number[]): { p50: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { p50: at(0.5), p95: at(0.95) };
}

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/** User + system CPU of this process's waited-for children (fields 16–17 of /proc/self/stat). */
async function childCpuMs(): Promise<number | null> {
  try {
    const stat = await fs.readFile("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** USER_HZ: 100 on every Linux architecture Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

function parseArgs(argv: string[]): GitBenchOptions {
  const options: GitBenchOptions = {};
  for (let i = 0; i < argv.length; i += 2) {
    const value = argv[i + 1] ?? "";
    if (argv[i] === "--runs" && /^[1-9]\d*$/.test(value)) options.runs = Number(value);
    else if (argv[i] === "--sizes" && /^[1-9]\d*(,[1-9]\d*)*$/.test(value)) options.sizes = value.split(",").map(Number);
    else if (argv[i] === "--chain") {
      options.chain = true;
      i -= 1;
    } else throw new Error(`usage: npx tsx bench/git.ts [--runs N] [--sizes N,N...] [--chain] (bad argument: ${argv[i]} ${value})`);
  }
  return options;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  runGitBench(parseArgs(process.argv.slice(2))).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
