import { describe, expect, it } from "vitest";
import { PendingQuery, withParams } from "./url-state";

describe("withParams", () => {
  it("sets, replaces and removes parameters, keeping the others", () => {
    expect(withParams("flowId=f1&cursor=c", { status: "failed", cursor: undefined })).toBe("flowId=f1&status=failed");
    expect(withParams("q=a+b", { q: "" })).toBe("");
  });
});

describe("PendingQuery", () => {
  it("builds a second change on the first while the router has not rendered it (both survive)", () => {
    const pending = new PendingQuery();
    const rendered = "";
    const first = withParams(pending.base(rendered), { flowId: "f1" });
    pending.request(first, rendered);
    // The second change comes before the page re-rendered with the first.
    const second = withParams(pending.base(rendered), { status: "failed" });
    pending.request(second, rendered);
    expect(second).toBe("flowId=f1&status=failed");
    // The router renders the first, then the second: nothing is pending any more.
    expect(pending.base(first)).toBe(second);
    expect(pending.base(second)).toBe(second);
  });

  it("forgets pending requests when the URL moves some other way (Back)", () => {
    const pending = new PendingQuery();
    pending.request("status=failed", "flowId=f1");
    expect(pending.base("flowId=f1")).toBe("status=failed");
    expect(pending.base("flowId=f2")).toBe("flowId=f2");
  });
});
