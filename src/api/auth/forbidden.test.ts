import { describe, expect, it } from "vitest";
import { forbiddenError, forbiddenMessage } from "./forbidden.js";
import type { RequestAttributes } from "./rbac.js";

const bob = { name: "bob", groups: [] };
function a(o: Partial<RequestAttributes>): RequestAttributes {
  return {
    user: bob,
    verb: "list",
    resourceRequest: true,
    apiGroup: "",
    resource: "pods",
    subresource: "",
    namespace: "default",
    name: "",
    path: "",
    ...o,
  };
}

describe("forbidden", () => {
  it("words a namespaced list as Kubernetes does", () => {
    const err = forbiddenError(a({}));
    expect(err.code).toBe(403);
    expect(err.toStatus()).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message:
        'pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "default"',
      reason: "Forbidden",
      details: { kind: "pods" },
      code: 403,
    });
  });

  it("words cluster-scope, named, grouped and subresource requests", () => {
    expect(forbiddenError(a({ resource: "nodes", namespace: "" })).message).toBe(
      'nodes is forbidden: User "bob" cannot list resource "nodes" in API group "" at the cluster scope',
    );
    const scale = forbiddenError(
      a({ verb: "update", apiGroup: "apps", resource: "deployments", subresource: "scale", name: "web" }),
    );
    expect(scale.message).toBe(
      'deployments.apps "web" is forbidden: User "bob" cannot update resource "deployments/scale" in API group "apps" in the namespace "default"',
    );
    expect(scale.details).toEqual({ name: "web", group: "apps", kind: "deployments" });
  });

  it("words non-resource URLs and appends the authorizer's reason", () => {
    expect(
      forbiddenError(a({ resourceRequest: false, verb: "get", path: "/metrics", resource: "" })).message,
    ).toBe('forbidden: User "bob" cannot get path "/metrics"');
    expect(forbiddenMessage(a({}), 'RBAC: clusterrole.rbac.authorization.k8s.io "x" not found')).toBe(
      'User "bob" cannot list resource "pods" in API group "" in the namespace "default": RBAC: clusterrole.rbac.authorization.k8s.io "x" not found',
    );
    expect(forbiddenMessage(a({ user: { name: "<b>", groups: [] } }))).toContain('User "&lt;b&gt;"');
  });
});
