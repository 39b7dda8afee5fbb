import { describe, expect, it } from "vitest";
import { PrivilegedGroupsAuthorizer } from "./privileged.js";
import { RbacAuthorizer, type RequestAttributes } from "./rbac.js";
import { memorySource } from "./rbac.test-util.js";

const attrs = (groups: string[]): RequestAttributes => ({
  user: { name: "u", groups },
  verb: "delete",
  resourceRequest: true,
  apiGroup: "",
  resource: "nodes",
  subresource: "",
  namespace: "",
  name: "n1",
  path: "",
});

describe("PrivilegedGroupsAuthorizer", () => {
  const authz = new PrivilegedGroupsAuthorizer(new RbacAuthorizer(memorySource([])));
  it("allows system:masters with no binding at all", async () => {
    expect(await authz.authorize(attrs(["system:masters"]))).toEqual({ allowed: true, reason: "" });
  });
  it("leaves everybody else to the wrapped authorizer", async () => {
    expect(await authz.authorize(attrs(["system:authenticated"]))).toEqual({ allowed: false, reason: "" });
  });
});
