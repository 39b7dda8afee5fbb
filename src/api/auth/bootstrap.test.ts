import { describe, expect, it } from "vitest";
import { bootstrapRbac } from "./bootstrap.js";
import { RbacAuthorizer, type RequestAttributes } from "./rbac.js";
import { binding, memorySource } from "./rbac.test-util.js";
import type { UserInfo } from "./user.js";

const admin: UserInfo = { name: "skiff-admin", groups: ["system:masters", "system:authenticated"] };
const anonymous: UserInfo = { name: "system:anonymous", groups: ["system:unauthenticated"] };
const user = (name: string): UserInfo => ({ name, groups: ["system:authenticated"] });

function res(
  verb: string,
  resource: string,
  o: Partial<RequestAttributes> = {},
): Omit<RequestAttributes, "user"> {
  return {
    verb,
    resourceRequest: true,
    apiGroup: "",
    resource,
    subresource: "",
    namespace: "team",
    name: "",
    path: "",
    ...o,
  };
}

function url(verb: string, path: string): Omit<RequestAttributes, "user"> {
  return {
    verb,
    resourceRequest: false,
    apiGroup: "",
    resource: "",
    subresource: "",
    namespace: "",
    name: "",
    path,
  };
}

const authz = new RbacAuthorizer(
  memorySource([
    ...bootstrapRbac(),
    binding("v", { kind: "ClusterRole", name: "view" }, [{ kind: "User", name: "viewer" }], "team"),
    binding("e", { kind: "ClusterRole", name: "edit" }, [{ kind: "User", name: "editor" }], "team"),
    binding("a", { kind: "ClusterRole", name: "admin" }, [{ kind: "User", name: "owner" }], "team"),
  ]),
);
const can = async (u: UserInfo, a: Omit<RequestAttributes, "user">): Promise<boolean> =>
  (await authz.authorize({ user: u, ...a })).allowed;

describe("bootstrapRbac", () => {
  it("marks every object as Kubernetes' bootstrap policy does", () => {
    for (const o of bootstrapRbac()) {
      expect(o.metadata.labels?.["kubernetes.io/bootstrapping"]).toBe("rbac-defaults");
      expect(o.metadata.annotations?.["rbac.authorization.kubernetes.io/autoupdate"]).toBe("true");
    }
    const names = bootstrapRbac().map((o) => `${o.kind}/${o.metadata.name ?? ""}`);
    expect(names).toEqual(
      expect.arrayContaining([
        "ClusterRole/cluster-admin",
        "ClusterRole/admin",
        "ClusterRole/edit",
        "ClusterRole/view",
        "ClusterRole/system:discovery",
        "ClusterRole/system:basic-user",
        "ClusterRole/system:public-info-viewer",
        "ClusterRoleBinding/cluster-admin",
        "ClusterRoleBinding/system:discovery",
        "ClusterRoleBinding/system:basic-user",
        "ClusterRoleBinding/system:public-info-viewer",
      ]),
    );
  });

  it("returns fresh objects each call", () => {
    const a = bootstrapRbac();
    a[0]!.metadata.name = "changed";
    expect(bootstrapRbac()[0]?.metadata.name).toBe("cluster-admin");
  });

  it("lets system:masters do anything, saying why", async () => {
    expect(await authz.authorize({ user: admin, ...res("delete", "nodes", { namespace: "" }) })).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"',
    });
    expect(await can(admin, url("post", "/anything"))).toBe(true);
  });

  it("gives authenticated users discovery and self-review, everyone health and version", async () => {
    const bob = user("bob");
    expect(await can(bob, url("get", "/api"))).toBe(true);
    expect(await can(bob, url("get", "/apis/apps/v1"))).toBe(true);
    expect(await can(bob, url("get", "/openapi/v3"))).toBe(true);
    expect(await can(bob, url("get", "/version"))).toBe(true);
    expect(await can(bob, url("post", "/api"))).toBe(false);
    const ssar = { apiGroup: "authorization.k8s.io", namespace: "" };
    expect(await can(bob, res("create", "selfsubjectaccessreviews", ssar))).toBe(true);
    expect(await can(bob, res("create", "subjectaccessreviews", ssar))).toBe(false);
    expect(await can(bob, res("list", "pods"))).toBe(false);
    expect(await can(anonymous, url("get", "/healthz"))).toBe(true);
    expect(await can(anonymous, url("get", "/version"))).toBe(true);
    expect(await can(anonymous, url("get", "/api"))).toBe(false);
  });

  it("builds view, edit and admin by aggregation", async () => {
    const [viewer, editor, owner] = [user("viewer"), user("editor"), user("owner")];
    const deployments = { apiGroup: "apps" };
    expect(await can(viewer, res("list", "pods"))).toBe(true);
    expect(await can(viewer, res("get", "deployments", { ...deployments, subresource: "scale" }))).toBe(true);
    expect(await can(viewer, res("get", "secrets"))).toBe(false);
    expect(await can(viewer, res("create", "pods"))).toBe(false);
    expect(await can(editor, res("create", "deployments", deployments))).toBe(true);
    expect(await can(editor, res("patch", "deployments", { ...deployments, subresource: "scale" }))).toBe(
      true,
    );
    expect(await can(editor, res("get", "secrets"))).toBe(true);
    expect(await can(editor, res("list", "pods"))).toBe(true);
    expect(await can(editor, res("create", "serviceaccounts", { subresource: "token", name: "x" }))).toBe(
      true,
    );
    expect(await can(editor, res("create", "rolebindings", { apiGroup: "rbac.authorization.k8s.io" }))).toBe(
      false,
    );
    expect(await can(owner, res("create", "rolebindings", { apiGroup: "rbac.authorization.k8s.io" }))).toBe(
      true,
    );
    expect(await can(owner, res("delete", "deployments", deployments))).toBe(true);
    expect(await can(owner, res("list", "pods", { namespace: "elsewhere" }))).toBe(false);
    expect(await can(owner, res("list", "nodes", { namespace: "" }))).toBe(false);
  });
});
