import { describe, expect, it } from "vitest";
import type { KubeObject } from "../types.js";
import { RbacAuthorizer, type RequestAttributes } from "./rbac.js";
import { binding, memorySource, role } from "./rbac.test-util.js";
import type { UserInfo } from "./user.js";

const bob: UserInfo = { name: "bob", groups: ["dev", "system:authenticated"] };
const robot: UserInfo = {
  name: "system:serviceaccount:ci:robot",
  groups: ["system:serviceaccounts", "system:authenticated"],
};

function attrs(user: UserInfo, a: Partial<RequestAttributes>): RequestAttributes {
  return {
    user,
    verb: "get",
    resourceRequest: true,
    apiGroup: "",
    resource: "pods",
    subresource: "",
    namespace: "",
    name: "",
    path: "",
    ...a,
  };
}

const objects = [
  role("pod-reader", [{ verbs: ["get", "list", "watch"], apiGroups: [""], resources: ["pods", "pods/log"] }]),
  role("scaler", [{ verbs: ["get", "update", "patch"], apiGroups: ["apps"], resources: ["*/scale"] }]),
  role(
    "cm-editor",
    [{ verbs: ["*"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["settings"] }],
    "team",
  ),
  binding("readers", { kind: "ClusterRole", name: "pod-reader" }, [{ kind: "Group", name: "dev" }]),
  binding("bob-scales", { kind: "ClusterRole", name: "scaler" }, [{ kind: "User", name: "bob" }], "team"),
  binding(
    "cm",
    { kind: "Role", name: "cm-editor" },
    [{ kind: "ServiceAccount", name: "robot", namespace: "ci" }],
    "team",
  ),
  binding(
    "own-sa",
    { kind: "ClusterRole", name: "pod-reader" },
    [{ kind: "ServiceAccount", name: "robot" }],
    "ci",
  ),
  binding("dangling", { kind: "ClusterRole", name: "gone" }, [{ kind: "User", name: "bob" }]),
];
const authz = new RbacAuthorizer(memorySource(objects));

describe("RbacAuthorizer", () => {
  it("allows through a ClusterRoleBinding everywhere and names it in the reason", async () => {
    expect(await authz.authorize(attrs(bob, { verb: "list", namespace: "anywhere" }))).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by ClusterRoleBinding "readers" of ClusterRole "pod-reader" to Group "dev"',
    });
    expect((await authz.authorize(attrs(bob, { verb: "list" }))).allowed).toBe(true);
    expect((await authz.authorize(attrs(bob, { subresource: "log", name: "p" }))).allowed).toBe(true);
    expect((await authz.authorize(attrs(bob, { verb: "delete", namespace: "x", name: "p" }))).allowed).toBe(
      false,
    );
  });

  it("scopes a RoleBinding to a ClusterRole to the binding's namespace", async () => {
    const scale = {
      verb: "update",
      apiGroup: "apps",
      resource: "deployments",
      subresource: "scale",
      name: "web",
    };
    expect(await authz.authorize(attrs(bob, { ...scale, namespace: "team" }))).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "bob-scales/team" of ClusterRole "scaler" to User "bob"',
    });
    expect((await authz.authorize(attrs(bob, { ...scale, namespace: "other" }))).allowed).toBe(false);
    expect((await authz.authorize(attrs(bob, scale))).allowed).toBe(false);
  });

  it("honours resourceNames and service-account subjects (explicit and defaulted namespace)", async () => {
    const cm = { resource: "configmaps", namespace: "team", verb: "update" };
    expect(await authz.authorize(attrs(robot, { ...cm, name: "settings" }))).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "cm/team" of Role "cm-editor" to ServiceAccount "robot/ci"',
    });
    expect((await authz.authorize(attrs(robot, { ...cm, name: "other" }))).allowed).toBe(false);
    expect((await authz.authorize(attrs(robot, { ...cm, verb: "list" }))).allowed).toBe(false);
    expect((await authz.authorize(attrs(robot, { verb: "list", namespace: "ci" }))).reason).toBe(
      'RBAC: allowed by RoleBinding "own-sa/ci" of ClusterRole "pod-reader" to ServiceAccount "robot/ci"',
    );
    expect((await authz.authorize(attrs(robot, { verb: "list", namespace: "team" }))).allowed).toBe(false);
  });

  it("denies with the lookup errors of the bindings that applied", async () => {
    expect(
      await authz.authorize(attrs(bob, { verb: "create", resource: "secrets", namespace: "x" })),
    ).toEqual({
      allowed: false,
      reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found',
    });
    expect(await authz.authorize(attrs({ name: "eve", groups: [] }, { namespace: "x" }))).toEqual({
      allowed: false,
      reason: "",
    });
    const two = new RbacAuthorizer(
      memorySource([
        binding("a", { kind: "ClusterRole", name: "x" }, [{ kind: "User", name: "eve" }]),
        binding("b", { kind: "Role", name: "y" }, [{ kind: "User", name: "eve" }], "ns"),
      ]),
    );
    expect((await two.authorize(attrs({ name: "eve", groups: [] }, { namespace: "ns" }))).reason).toBe(
      'RBAC: [clusterrole.rbac.authorization.k8s.io "x" not found, role.rbac.authorization.k8s.io "y" not found]',
    );
  });

  it("resolves aggregated ClusterRoles through chains, ignoring their own stale rules", async () => {
    // Both carry a stale allow-all rule that aggregation must replace.
    const agg = (name: string, to: string, labels: Record<string, string> = {}): KubeObject =>
      role(name, [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }], undefined, {
        metadata: { name, labels },
        aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [`agg-to-${to}`]: "true" } }] },
      });
    const a = new RbacAuthorizer(
      memorySource([
        agg("big", "big"),
        agg("small", "small", { "agg-to-big": "true" }),
        role("secrets", [{ verbs: ["get"], apiGroups: [""], resources: ["secrets"] }], undefined, {
          metadata: { name: "secrets", labels: { "agg-to-big": "true" } },
        }),
        role("pods", [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }], undefined, {
          metadata: { name: "pods", labels: { "agg-to-small": "true" } },
        }),
        binding("b1", { kind: "ClusterRole", name: "big" }, [{ kind: "User", name: "big-user" }]),
        binding("b2", { kind: "ClusterRole", name: "small" }, [{ kind: "User", name: "small-user" }]),
      ]),
    );
    const big = { name: "big-user", groups: [] };
    const small = { name: "small-user", groups: [] };
    expect((await a.authorize(attrs(big, { resource: "secrets" }))).allowed).toBe(true);
    expect((await a.authorize(attrs(big, { resource: "pods" }))).allowed).toBe(true);
    expect((await a.authorize(attrs(big, { resource: "nodes" }))).allowed).toBe(false);
    expect((await a.authorize(attrs(small, { resource: "pods" }))).allowed).toBe(true);
    expect((await a.authorize(attrs(small, { resource: "secrets" }))).allowed).toBe(false);
  });

  it("lists the rules that apply to a user in a namespace", async () => {
    const { rules, errors } = await authz.rulesFor(bob, "team");
    expect(rules.map((r) => r.resources)).toEqual([["pods", "pods/log"], ["*/scale"]]);
    expect(errors).toEqual(['clusterrole.rbac.authorization.k8s.io "gone" not found']);
  });

  it("is not confused by malformed stored objects", async () => {
    const a = new RbacAuthorizer(
      memorySource([
        {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "ClusterRole",
          metadata: { name: "weird" },
          rules: "x",
        },
        {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "ClusterRoleBinding",
          metadata: { name: "w" },
          roleRef: { kind: "ClusterRole", name: "weird" },
          subjects: [null, { kind: "User", name: "bob" }],
        },
      ]),
    );
    expect(await a.authorize(attrs(bob, {}))).toEqual({ allowed: false, reason: "" });
  });
});
