/**
 * Entry point for reaper.test.ts: a stand-in for a worker. Starts `argv` (JSON in argv[2])
 * as a process group the way agents are started (spawnGroup), prints "group <pgid>
 * reaper <pid>" and waits to be killed.
 */
import { spawnGroup } from "../../agents/command/process-group";
import { childEnv } from "../child-env";
import { reaperPid } from "../reaper";

const argv = JSON.parse(process.argv[2]) as string[];
const proc = spawnGroup(argv, { cwd: process.cwd(), env: childEnv() });
proc.child.stdout?.resume();
proc.child.stderr?.resume();
process.stdout.write(`group ${proc.child.pid} reaper ${reaperPid()}\n`);
setInterval(() => {}, 1 << 30);
