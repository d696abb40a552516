import { appDb } from "@/lib/app-db";
import { logout } from "@/lib/auth/login";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = route(async (request) => logout(request, (await appDb()).orm));
