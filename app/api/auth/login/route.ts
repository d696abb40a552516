import { appDb } from "@/lib/app-db";
import { loginOrThrow } from "@/lib/auth/login";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = route(async (request) => loginOrThrow(request, (await appDb()).orm));
