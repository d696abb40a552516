/** Whether something (file, dir or symlink, even a dangling one) is at `target`. */
import fs from "node:fs/promises";

export async function pathExists(target: string): Promise<boolean> {
  try {
    await fs.lstat(target);
    return true;
  } catch {
    return false;
  }
}
