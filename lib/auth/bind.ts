/**
 * Where the server may listen. Pure: scripts/serve.ts reads the environment, asks this
 * module, and either starts Next or exits with the message.
 *
 * Invariant: without BATON_TOKEN the server only ever listens on a loopback address, so an
 * unauthenticated Baton (which can run agents with shell access) is unreachable from the
 * network. Wildcards (0.0.0.0, ::) count as non-loopback: they listen on every interface.
 */
export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 3000;
/** Shorter tokens are accepted but warned about: a guessable token defeats the point. */
export const MIN_RECOMMENDED_TOKEN_LENGTH = 16;

export interface ListenPlan {
  host: string;
  port: number;
  authenticated: boolean;
  warnings: string[];
}

export class BindRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BindRefusedError";
  }
}

export function isLoopbackAddress(host: string): boolean {
  const name = host.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1");
  return name === "localhost" || name === "::1" || /^127(\.\d{1,3}){3}$/.test(name);
}

function portOrThrow(raw: string | undefined, variable: string): number | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new BindRefusedError(`${variable}=${raw} is not a port number (1–65535)`);
  }
  return port;
}

export function listenPlanOrThrow(env: Record<string, string | undefined>): ListenPlan {
  const host = env.BATON_HOST?.trim() || DEFAULT_HOST;
  const port = portOrThrow(env.BATON_PORT, "BATON_PORT") ?? portOrThrow(env.PORT, "PORT") ?? DEFAULT_PORT;
  const token = env.BATON_TOKEN?.trim() ?? "";
  const warnings: string[] = [];
  if (!isLoopbackAddress(host) && token === "") {
    throw new BindRefusedError(
      `refusing to listen on ${host}: it is reachable from other machines and BATON_TOKEN is not set.\n` +
        `Baton runs coding agents with access to your repositories, so a non-loopback address needs a token:\n` +
        `  BATON_TOKEN=$(openssl rand -hex 32) BATON_HOST=${host} npm run serve\n` +
        `or listen on loopback only (the default): BATON_HOST=127.0.0.1`,
    );
  }
  if (token !== "" && token.length < MIN_RECOMMENDED_TOKEN_LENGTH) {
    warnings.push(
      `BATON_TOKEN is ${token.length} characters; use at least ${MIN_RECOMMENDED_TOKEN_LENGTH} random ones (openssl rand -hex 32)`,
    );
  }
  return { host, port, authenticated: token !== "", warnings };
}

/**
 * The launcher takes no arguments after its mode. Next reads the last `--hostname`/`--port`
 * it is given, so anything appended after the checked ones could re-bind the server to an
 * address this module never saw (`npm run serve -- --hostname 0.0.0.0`); a positional argument
 * would even serve another directory. Rather than parse Next's option grammar (`-H x`,
 * `--hostname=x`, `-px`, …) and hope it stays the same, every extra argument is refused: the
 * address comes only from the environment checked above.
 */
export function refuseExtraLauncherArgs(extra: readonly string[]): void {
  if (extra.length === 0) return;
  throw new BindRefusedError(
    `refusing extra arguments: ${extra.join(" ")}\n` +
      `The launcher decides the address itself and passes nothing else to Next, so an argument can't\n` +
      `move the server past the loopback/token check. Set the address in the environment instead:\n` +
      `  BATON_HOST=<address> BATON_PORT=<port> npm run serve   (a non-loopback BATON_HOST needs BATON_TOKEN)`,
  );
}
