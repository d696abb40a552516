/**
 * Git lineage timings on generated repositories (~1k and ~10k files of a few KB, packed like
 * a real clone): per step, the worktree setup (prepareWorktreeOrThrow from a commit, and from
 * the merge of two commits), the diff and the commit after an agent-sized change (a few files
 * edited, one added, one deleted), and removal. p50/p95 wall time over `runs` steps each,
 * plus the CPU time git spent, and a raw `git worktree add` of the same commit as the floor
 * git itself sets on this machine, and plain fs writes of the same files as the floor the
 * filesystem sets (wall times on a shared machine swing with its load and its disk; run with
 * TMPDIR=/dev/shm to take the disk out and see git's and Baton's own cost).
 *
 *   npx tsx bench/git.ts [--runs 20] [--sizes 1000,10000]
 *   (runGitBench() is also called by `npm run bench`)
 *
 * Target: worktree setup p50 <= 150 ms for 1k files.
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

export interface GitBenchOptions {
  /** Repository sizes in files. Default [1000, 10000]. */
  sizes?: number[];
  /** Steps measured per size. Default 20. */
  runs?: number;
  /** Progress and table output. Default console.log. */
  log?: (line: string) => void;
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
  | "setup"
  | "setup (merge of 2)"
  | "git worktree add (raw)"
  | "write the files (no git)"
  | "diff"
  | "commit"
  | "remove";

export interface GitBenchResult {
  files: number;
  repoBytes: number;
  operations: Record<GitBenchOperation, Timing>;
}

export const PREPARE_TARGET_MS = 150;

const OPERATIONS: GitBenchOperation[] = [
  "setup",
  "git worktree add (raw)",
  "write the files (no git)",
  "setup (merge of 2)",
  "diff",
  "commit",
  "remove",
];
/** The no-git floor is the same every run; a few samples suffice. */
const FLOOR_RUNS = 5;

export async function runGitBench(options: GitBenchOptions = {}): Promise<GitBenchResult[]> {
  const sizes = options.sizes ?? [1000, 10_000];
  const runs = options.runs ?? 20;
  const log = options.log ?? ((line: string) => console.log(line));
  const tmp = await makeTempDir("baton-bench-git");
  const loadBefore = os.loadavg()[0];
  const results: GitBenchResult[] = [];
  try {
    for (const files of sizes) {
      log(`git: generating a repository of ${files} files...`);
      const generated = await generateRepo(path.join(tmp, `repo-${files}`), files);
      log(`git: measuring ${runs} steps on ${files} files...`);
      results.push(await measure(generated, path.join(tmp, `worktrees-${files}`), runs));
    }
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
  log(formatGitBench(results, runs, [loadBefore, os.loadavg()[0]]));
  return results;
}

export function formatGitBench(results: GitBenchResult[], runs: number, load: [number, number]): string {
  const header = ["repository", "operation", "p50 ms", "p95 ms", "git CPU ms"];
  const rows = results.flatMap((r) =>
    OPERATIONS.map((op) => {
      const t = r.operations[op];
      return [`${r.files} files, ${(r.repoBytes / 1024 / 1024).toFixed(1)} MB`, op, t.p50.toFixed(0), t.p95.toFixed(0), t.gitCpuMs === null ? "-" : t.gitCpuMs.toFixed(0)];
    }),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 1 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
  const verdicts = results
    .filter((r) => r.files === 1000)
    .map((r) => {
      const p50 = r.operations.setup.p50;
      return `setup p50 for ${r.files} files: ${p50.toFixed(0)} ms (target <= ${PREPARE_TARGET_MS} ms: ${p50 <= PREPARE_TARGET_MS ? "met" : "MISSED"})`;
    });
  return [
    `Git lineage per step (${runs} steps per size; ${os.cpus().length} CPUs, 1-min load ${load[0].toFixed(1)} -> ${load[1].toFixed(1)})`,
    line(header),
    ...rows.map(line),
    ...verdicts,
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

  for (let run = 0; run < runs; run++) {
    const base = { repo: generated.repo, root, runId: "run_bench", attempt: run };
    const step = await timed("setup", () => prepareWorktreeOrThrow({ ...base, nodeKey: "step", start: { commit: generated.base } }));

    // The same checkout without Baton around it: the floor git itself sets on this machine.
    const rawPath = path.join(root, "raw", String(run));
    await timed("git worktree add (raw)", () =>
      git(generated.repo, "worktree", "add", "-q", "-b", `bench-raw-${run}`, rawPath, generated.base),
    );
    await removeWorktree(rawPath);

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
    await timed("commit", () => commitWorktreeOrThrow(step.path, `bench ${run}`, step.startCommit));
    await timed("remove", () => removeWorktree(step.path));

    const merged = await timed("setup (merge of 2)", () =>
      prepareWorktreeOrThrow({ ...base, nodeKey: "fold", start: { merge: generated.mergeInputs } }),
    );
    await removeWorktree(merged.path);
  }
  const operations = Object.fromEntries(
    OPERATIONS.map((op) => [
      op,
      { ...percentiles(samples[op].wall), gitCpuMs: op === "write the files (no git)" ? null : mean(samples[op].cpu) },
    ]),
  ) as Record<GitBenchOperation, Timing>;
  return { files: generated.paths.length, repoBytes: generated.bytes, operations };
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
    else throw new Error(`usage: npx tsx bench/git.ts [--runs N] [--sizes N,N...] (bad argument: ${argv[i]} ${value})`);
  }
  return options;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  runGitBench(parseArgs(process.argv.slice(2))).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
