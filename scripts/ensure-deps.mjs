/**
 * First half of `npm start` (plain Node: on a fresh clone nothing is installed yet, not even
 * tsx): runs `npm install` when the dependencies are missing or package.json /
 * package-lock.json changed since the last install this script made, and does nothing
 * otherwise, so a start after the first one doesn't pay for a no-op install.
 *
 * The stamp (node_modules/.baton-installed) holds a hash of package.json and
 * package-lock.json as they were after a successful install (npm may rewrite the lockfile);
 * it is written only when npm exited 0.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const stampFile = path.join(root, "node_modules", ".baton-installed");

function manifestHash() {
  const hash = createHash("sha256");
  for (const name of ["package.json", "package-lock.json"]) {
    const file = path.join(root, name);
    hash.update(`${name}\0${fs.existsSync(file) ? fs.readFileSync(file) : ""}\n`);
  }
  return hash.digest("hex");
}

const stamp = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, "utf8").trim() : null;
if (stamp !== manifestHash() || !fs.existsSync(path.join(root, "node_modules", ".bin", "tsx"))) {
  console.error("[baton] installing dependencies (npm install)…");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(npm, ["install", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`[baton] npm install failed (exit code ${result.status ?? result.signal}); nothing was started`);
    process.exit(1);
  }
  fs.writeFileSync(stampFile, `${manifestHash()}\n`);
}
