import { Suspense } from "react";
import { RunsPage } from "@/components/runs/runs-page";

export const dynamic = "force-dynamic";

export default function Page() {
  return (
    <Suspense fallback={<div className="p-6 text-[13px] text-zinc-500">Loading runs…</div>}>
      <RunsPage />
    </Suspense>
  );
}
