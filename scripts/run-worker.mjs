/**
 * `npm run worker`: bundles the standalone worker (scripts/worker.ts) with esbuild and runs
 * the bundle in this same plain-node process.
 *
 * Why not `tsx scripts/worker.ts`: the tsx loader keeps a loader thread with its own V8
 * isolate and transform caches for the process's whole life — about 80 MB more resident
 * memory per idle worker, for a process meant to be started many times. Bundling takes a
 * fraction of a second and is redone only when a source file is newer than the bundle.
 *
 * Packages stay external (resolved from the project's node_modules at run time), so the
 * bundle holds only Baton's own code. It is written under node_modules/.cache, from where
 * bare imports still resolve to the project's node_modules.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, stop } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const entry = path.join(root, "scripts", "worker.ts");
const outfile = path.join(root, "node_modules", ".cache", "baton", "worker.mjs");
const metafile = `${outfile}.inputs.json`;

/** True when the bundle exists and no input it was built from changed since. */
function upToDate() {
  try {
    const built = fs.statSync(outfile).mtimeMs;
    const inputs = JSON.parse(fs.readFileSync(metafile, "utf8"));
    return inputs.every((file) => fs.statSync(path.join(root, file)).mtimeMs <= built);
  } catch {
    return false;
  }
}

if (!upToDate()) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile,
    packages: "external",
    metafile: true,
    write: false,
    logLevel: "warning",
  });
  // Several workers may start at once: each writes its own temp file and renames it into
  // place (atomic), so none ever imports a half-written bundle.
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  const publish = (file, contents) => {
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, contents);
    fs.renameSync(temp, file);
  };
  publish(outfile, result.outputFiles[0].contents);
  publish(metafile, JSON.stringify(Object.keys(result.metafile.inputs)));
}
// The esbuild service is a child process; it has no further work here.
await stop();
await import(pathToFileURL(outfile).href);
