import type { Metadata } from "next";
import Link from "next/link";
import "./globals.css";
import { Providers } from "@/components/providers";

export const metadata: Metadata = {
  title: "Baton",
  description: "Run AI coding agents as flows",
};

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
        </header>
        <main className="min-h-0 flex-1">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
