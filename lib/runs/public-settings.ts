/**
 * What any client may know about this server's setup (no secrets): the data dir and the
 * bundled example repo's path, which the run dialog offers as the default repo.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { EXAMPLE_REPO_DIR } from "../git/example-repo";

export interface PublicSettings {
  dataDir: string;
  /** Null when it was never created (no git on the machine, unwritable data dir). */
  exampleRepo: string | null;
}

export async function publicSettings(dataDir: string): Promise<PublicSettings> {
  const root = path.resolve(dataDir);
  const exampleRepo = path.join(root, EXAMPLE_REPO_DIR);
  try {
    await fs.access(path.join(exampleRepo, ".git"));
    return { dataDir: root, exampleRepo: await fs.realpath(exampleRepo) };
  } catch {
    return { dataDir: root, exampleRepo: null };
  }
}
