/** Linux /proc scans for process tests: which live processes carry a marker in their argv. */
import fs from "node:fs";

function cmdlineOf(pid: string): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    return null;
  }
}

function isZombie(pid: string): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] === "Z";
  } catch {
    return true;
  }
}

/** Pids of live (non-zombie) processes whose command line contains `marker`. */
export function pidsWithMarker(marker: string): number[] {
  return fs
    .readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
    .filter((pid) => cmdlineOf(pid)?.includes(marker) && !isZombie(pid))
    .map(Number);
}

/** Kills leftovers a failed test leaves behind — only processes carrying its own marker. */
export function killMarked(marker: string): void {
  for (const pid of pidsWithMarker(marker)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/**
 * A program (argv) that, the first time it runs (no `flag` file yet), creates the flag,
 * starts a grandchild in its own process group and hangs; on later runs prints "second run"
 * and exits 0. Both processes carry `marker` in their argv.
 */
export function hangOnceArgv(flag: string, marker: string): string[] {
  const grandchild = `setInterval(() => {}, 1 << 30)`;
  const script = `
const fs = require("fs");
const { spawn } = require("child_process");
const [flag, marker] = process.argv.slice(1);
if (fs.existsSync(flag)) { process.stdout.write("second run"); process.exit(0); }
fs.writeFileSync(flag, String(process.pid));
spawn(process.execPath, ["-e", ${JSON.stringify(grandchild)}, marker], { stdio: "ignore" });
process.stdout.write("first run, hanging");
setInterval(() => {}, 1 << 30);
`;
  return [process.execPath, "-e", script, flag, marker];
}
