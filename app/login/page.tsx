import { safeNextPath } from "@/lib/auth/gate";
import { configuredToken } from "@/lib/auth/token";

export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A plain form post (no client JavaScript needed): POST /api/auth/login answers with a redirect. */
export default async function LoginPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const next = safeNextPath(first(params.next));
  const failed = first(params.error) === "invalid";
  const enabled = configuredToken() !== null;

  return (
    <div className="flex h-full items-center justify-center">
      <div className="w-80 rounded border border-zinc-200 bg-white p-5 shadow-sm">
        <h1 className="mb-3 text-base font-semibold">Log in to Baton</h1>
        {enabled ? (
          <form method="post" action="/api/auth/login" className="flex flex-col gap-3" data-testid="login-form">
            <input type="hidden" name="next" value={next} />
            <label className="flex flex-col gap-1">
              <span className="text-zinc-600">Access token (BATON_TOKEN)</span>
              <input
                type="password"
                name="token"
                required
                autoFocus
                autoComplete="current-password"
                className="rounded border border-zinc-300 px-2 py-1"
                data-testid="login-token"
              />
            </label>
            {failed && (
              <p className="text-red-700" role="alert" data-testid="login-error">
                That token is not correct.
              </p>
            )}
            <button type="submit" className="rounded bg-zinc-900 px-3 py-1.5 text-white" data-testid="login-submit">
              Log in
            </button>
          </form>
        ) : (
          <p className="text-zinc-600" data-testid="login-disabled">
            Authentication is off (BATON_TOKEN is not set), so no login is needed.{" "}
            <a href={next} className="underline">
              Continue
            </a>
          </p>
        )}
      </div>
    </div>
  );
}
