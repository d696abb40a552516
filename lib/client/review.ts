/** Browser-side call for answering an approval or reviewing a code step (POST …/review). */
import { ApiError } from "./flows";
import type { ReviewBody } from "../review/schemas";

export type ReviewRequest = Omit<ReviewBody, "comments"> & { comments?: ReviewBody["comments"] };

export async function reviewStep(runId: string, stepId: string, body: ReviewRequest): Promise<void> {
  const response = await fetch(`/api/runs/${encodeURIComponent(runId)}/steps/${encodeURIComponent(stepId)}/review`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.ok) return;
  const error = (await response.json().catch(() => ({}))) as { error?: string; code?: string };
  throw new ApiError(response.status, error.code ?? "http_error", error.error ?? `HTTP ${response.status}`);
}
