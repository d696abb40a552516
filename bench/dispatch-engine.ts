/**
 * Which engine the benches measure, and which worker entry point the RSS figure starts.
 */
import { testEngineWork, type BenchWork } from "./dispatch-work";

export async function benchWork(): Promise<BenchWork> {
  return testEngineWork();
}

export function workerEntry(): string {
  return "lib/dispatch/testing/worker-process.ts";
}
