import { describe, expect, it } from "vitest";
import { isTransientDatabaseError } from "./transient-error";

describe("isTransientDatabaseError", () => {
  it("recognises connection loss, also wrapped in causes", () => {
    const terminated = Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" });
    expect(isTransientDatabaseError(terminated)).toBe(true);
    expect(isTransientDatabaseError(new Error("Failed query: select 1", { cause: terminated }))).toBe(true);
    expect(isTransientDatabaseError(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isTransientDatabaseError(Object.assign(new Error("connect"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isTransientDatabaseError(Object.assign(new Error("x"), { code: "08006" }))).toBe(true);
  });

  it("does not excuse other failures", () => {
    expect(isTransientDatabaseError(new Error("boom"))).toBe(false);
    expect(isTransientDatabaseError(Object.assign(new Error("dup"), { code: "23505" }))).toBe(false);
    expect(isTransientDatabaseError("Connection terminated")).toBe(false);
    expect(isTransientDatabaseError(null)).toBe(false);
  });
});
