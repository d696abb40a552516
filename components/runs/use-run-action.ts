"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { runKeys } from "@/lib/client/runs";

/** A Run API call from a button: refetches the run afterwards; the error stays for the UI. */
export function useRunAction<TArgs, TResult>(runId: string, call: (args: TArgs) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: runKeys.detail(runId) });
      void queryClient.invalidateQueries({ queryKey: ["runs", "list"] });
    },
  });
}
