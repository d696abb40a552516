import type { Metadata } from "next";
import Link from "next/link";
import "./globals.css";
import { Providers } from "@/components/providers";

export const metadata: Metadata = {
  title: "Baton",
  description: "Run AI coding agents as flows",
  icons: { icon: "/favicon.svg" },
};

// Read per request: the token can differ between the build and the running server.
export const dynamic = "force-dynamic";

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="flex h-full flex-col">
        <Providers>
        <header className="flex h-10 shrink-0 items-center gap-5 border-b border-zinc-200 bg-white px-4">
          <Link href="/flows" className="font-semibold tracking-tight text-zinc-900">
            ◆ Baton
          </Link>
          <nav className="flex gap-4 text-zinc-600">
            <Link href="/flows" className="hover:text-zinc-900" data-testid="nav-flows">Flows</Link>
            <Link href="/runs" className="hover:text-zinc-900" data-testid="nav-runs">Runs</Link>
            <Link href="/settings/agents" className="hover:text-zinc-900" data-testid="nav-settings">Settings</Link>
          </nav>
          {process.env.BATON_TOKEN ? (
            <form method="post" action="/api/auth/logout" className="ml-auto">
              <button type="submit" className="text-zinc-500 hover:text-zinc-900" data-testid="logout">
                Log out
              </button>
            </form>
          ) : null}
        </header>
        <main className="min-h-0 flex-1">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
