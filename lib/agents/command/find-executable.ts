/** Locates a program the way spawn would: an absolute/relative path as is, a bare name on PATH. */
import fs from "node:fs/promises";
import path from "node:path";

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return false;
    await fs.access(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function findExecutable(program: string, pathEnv = process.env.PATH ?? ""): Promise<string | null> {
  if (program.includes("/")) return (await isExecutableFile(path.resolve(program))) ? path.resolve(program) : null;
  for (const dir of pathEnv.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, program);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return null;
}
