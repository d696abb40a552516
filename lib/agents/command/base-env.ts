/**
 * The environment an agent process inherits: Baton's own, minus Baton's credentials. An
 * agent is third-party code working on a repo; Baton's API token and database URL would
 * let it act on Baton itself. A profile that really wants them passes them explicitly
 * through its `env` (as references).
 */
const WITHHELD = new Set(["BATON_TOKEN", "DATABASE_URL", "BATON_TEST_DATABASE_URL"]);

export function agentBaseEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const key of WITHHELD) delete out[key];
  return out;
}
