/**
 * The repository the example flow runs on, so a first run shows real worktrees, branches
 * and diffs with nothing set up: `<dataDir>/example-repo`, one commit on `main`.
 *
 * Built in a temporary sibling directory and renamed into place, so the path either holds a
 * complete repository or nothing, even if the process dies halfway or two servers start at
 * once. The commit has fixed dates and the Baton identity, so its id is the same everywhere.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { pathExists } from "../path-exists";
import { GitError } from "./errors";
import { runGitOrThrow } from "./run-git";

export const EXAMPLE_REPO_DIR = "example-repo";

const FIXED_DATE = "2026-01-01T00:00:00+0000";

const FILES: Record<string, string> = {
  "README.md": `# Example project

A tiny project for Baton's example flow. Every step of a run works in its own git worktree on
its own branch (\`baton/<run>/<step>-<attempt>\`), so each agent's changes can be read as a
diff, compared with the others, and merged later.

Run the tests with \`npm test\`.
`,
  "package.json": `${JSON.stringify(
    {
      name: "baton-example",
      version: "0.1.0",
      private: true,
      type: "module",
      scripts: { test: "node --test" },
    },
    null,
    2,
  )}\n`,
  "src/greet.js": `/** Returns a greeting for \`name\`. */
export function greet(name) {
  return \`Hello, \${name}!\`;
}
`,
  "test/greet.test.js": `import assert from "node:assert/strict";
import { test } from "node:test";
import { greet } from "../src/greet.js";

test("greets by name", () => {
  assert.equal(greet("Ada"), "Hello, Ada!");
});
`,
  ".gitignore": "node_modules/\n",
};

/** Creates the example repository on first call; later calls return its path unchanged. */
export async function ensureExampleRepo(dataDir: string): Promise<string> {
  const target = path.join(path.resolve(dataDir), EXAMPLE_REPO_DIR);
  if (await pathExists(target)) return assertRepositoryOrThrow(target);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const building = await fs.mkdtemp(path.join(path.dirname(target), `.${EXAMPLE_REPO_DIR}-`));
  try {
    for (const [name, content] of Object.entries(FILES)) {
      await fs.mkdir(path.dirname(path.join(building, name)), { recursive: true });
      await fs.writeFile(path.join(building, name), content);
    }
    await runGitOrThrow(["init", "-q", "-b", "main"], { cwd: building });
    await runGitOrThrow(["add", "-A"], { cwd: building });
    await runGitOrThrow(["commit", "-q", "--no-verify", "-m", "Example project: greet()"], {
      cwd: building,
      env: { GIT_AUTHOR_DATE: FIXED_DATE, GIT_COMMITTER_DATE: FIXED_DATE },
    });
    try {
      await fs.rename(building, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Another process finished first: its repository is as good as ours.
      if (code !== "EEXIST" && code !== "ENOTEMPTY") throw error;
    }
  } finally {
    await fs.rm(building, { recursive: true, force: true });
  }
  return assertRepositoryOrThrow(target);
}

async function assertRepositoryOrThrow(target: string): Promise<string> {
  const head = await runGitOrThrow(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], {
    cwd: target,
    env: { GIT_CEILING_DIRECTORIES: path.dirname(target) },
    allowExitCodes: [1, 128],
  });
  if (head.exitCode !== 0) {
    throw new GitError("repo_not_git", `${target} exists but is not a git repository with a commit; remove it to recreate the example`);
  }
  return target;
}
