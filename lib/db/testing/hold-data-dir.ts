/**
 * Entry point for data-dir-lock.test.ts: a process holding an embedded data dir
 * (argv[2]). Opens it (migrated), records a flow named "first", prints "ready <pid>"; then
 * each stdin line "insert <name>" records another flow and prints "ok <name>"; when stdin
 * ends it closes the database and exits 0. A refusal to open prints the error and exits 3.
 */
import { sql } from "drizzle-orm";
import { openDb, rows } from "../client";
import { DataDirInUseError } from "../data-dir-lock";

async function main(): Promise<void> {
  const db = await openDb({ dataDir: process.argv[2] });
  const insert = (name: string) => rows(db.orm, sql`insert into flows (id, name) values (${`flow_${name}`}, ${name}) on conflict do nothing`);
  await insert("first");
  process.stdout.write(`ready ${process.pid}\n`);
  let pending = "";
  let chain = Promise.resolve();
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk: string) => {
    pending += chunk;
    for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
      const [command, name] = pending.slice(0, nl).split(" ");
      pending = pending.slice(nl + 1);
      if (command === "insert") chain = chain.then(() => insert(name)).then(() => void process.stdout.write(`ok ${name}\n`));
    }
  });
  process.stdin.on("end", () => {
    void chain.then(() => db.close()).then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof DataDirInUseError ? 3 : 1);
});
