import { describe, expect, it } from "vitest";
import { ruleAllows, selectorMatches, subjectMatches, type RuleRequest } from "./rbac-rules.js";
import type { PolicyRule } from "./rbac-types.js";

function rule(r: Partial<PolicyRule>): PolicyRule {
  return { verbs: [], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: [], ...r };
}

function req(r: Partial<RuleRequest>): RuleRequest {
  return {
    verb: "get",
    resourceRequest: true,
    apiGroup: "",
    resource: "pods",
    subresource: "",
    name: "",
    path: "",
    ...r,
  };
}

describe("ruleAllows", () => {
  const cases: [string, Partial<PolicyRule>, Partial<RuleRequest>, boolean][] = [
    ["exact", { verbs: ["get"], apiGroups: [""], resources: ["pods"] }, {}, true],
    ["other verb", { verbs: ["get"], apiGroups: [""], resources: ["pods"] }, { verb: "list" }, false],
    ["verb *", { verbs: ["*"], apiGroups: [""], resources: ["pods"] }, { verb: "delete" }, true],
    ["other group", { verbs: ["get"], apiGroups: ["apps"], resources: ["pods"] }, {}, false],
    [
      "group *",
      { verbs: ["get"], apiGroups: ["*"], resources: ["deployments"] },
      { apiGroup: "apps", resource: "deployments" },
      true,
    ],
    ["resource *", { verbs: ["get"], apiGroups: [""], resources: ["*"] }, { resource: "secrets" }, true],
    [
      "resource * covers subresources",
      { verbs: ["get"], apiGroups: [""], resources: ["*"] },
      { subresource: "log" },
      true,
    ],
    [
      "plain resource does not cover its subresource",
      { verbs: ["get"], apiGroups: [""], resources: ["pods"] },
      { subresource: "log" },
      false,
    ],
    [
      "resource/subresource",
      { verbs: ["get"], apiGroups: [""], resources: ["pods/log"] },
      { subresource: "log" },
      true,
    ],
    [
      "subresource rule does not cover the resource",
      { verbs: ["get"], apiGroups: [""], resources: ["pods/log"] },
      {},
      false,
    ],
    [
      "*/scale",
      { verbs: ["update"], apiGroups: ["apps"], resources: ["*/scale"] },
      { verb: "update", apiGroup: "apps", resource: "deployments", subresource: "scale" },
      true,
    ],
    [
      "*/scale not for status",
      { verbs: ["update"], apiGroups: ["apps"], resources: ["*/scale"] },
      { verb: "update", apiGroup: "apps", resource: "deployments", subresource: "status" },
      false,
    ],
    [
      "*/scale not for the resource itself",
      { verbs: ["get"], apiGroups: [""], resources: ["*/scale"] },
      {},
      false,
    ],
    [
      "resourceNames match",
      { verbs: ["get"], apiGroups: [""], resources: ["pods"], resourceNames: ["a"] },
      { name: "a" },
      true,
    ],
    [
      "resourceNames other name",
      { verbs: ["get"], apiGroups: [""], resources: ["pods"], resourceNames: ["a"] },
      { name: "b" },
      false,
    ],
    [
      "resourceNames refuse unnamed requests",
      { verbs: ["list"], apiGroups: [""], resources: ["pods"], resourceNames: ["a"] },
      { verb: "list" },
      false,
    ],
    [
      "nonResourceURL exact",
      { verbs: ["get"], nonResourceURLs: ["/healthz"] },
      { resourceRequest: false, path: "/healthz" },
      true,
    ],
    [
      "nonResourceURL other",
      { verbs: ["get"], nonResourceURLs: ["/healthz"] },
      { resourceRequest: false, path: "/healthz/etcd" },
      false,
    ],
    [
      "nonResourceURL prefix*",
      { verbs: ["get"], nonResourceURLs: ["/apis/*"] },
      { resourceRequest: false, path: "/apis/apps/v1" },
      true,
    ],
    [
      "nonResourceURL prefix* excludes the bare prefix",
      { verbs: ["get"], nonResourceURLs: ["/apis/*"] },
      { resourceRequest: false, path: "/apis" },
      false,
    ],
    [
      "nonResourceURL *",
      { verbs: ["*"], nonResourceURLs: ["*"] },
      { resourceRequest: false, verb: "post", path: "/x" },
      true,
    ],
    [
      "resource rule never grants a URL",
      { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
      { resourceRequest: false, path: "/api" },
      false,
    ],
    ["URL rule never grants a resource", { verbs: ["*"], nonResourceURLs: ["*"] }, {}, false],
  ];
  it.each(cases)("%s", (_name, r, q, allowed) => {
    expect(ruleAllows(rule(r), req(q))).toBe(allowed);
  });
});

describe("subjectMatches", () => {
  const bob = { name: "bob", groups: ["dev", "system:authenticated"] };
  const robot = { name: "system:serviceaccount:ci:robot", groups: ["system:serviceaccounts"] };
  it("matches users by name and groups by membership", () => {
    expect(subjectMatches({ kind: "User", name: "bob", namespace: "" }, bob, "")).toBe(true);
    expect(subjectMatches({ kind: "User", name: "dev", namespace: "" }, bob, "")).toBe(false);
    expect(subjectMatches({ kind: "Group", name: "dev", namespace: "" }, bob, "")).toBe(true);
    expect(subjectMatches({ kind: "Group", name: "bob", namespace: "" }, bob, "")).toBe(false);
    expect(subjectMatches({ kind: "Robot", name: "bob", namespace: "" }, bob, "")).toBe(false);
  });
  it("matches service accounts, defaulting their namespace to the binding's", () => {
    expect(subjectMatches({ kind: "ServiceAccount", name: "robot", namespace: "ci" }, robot, "")).toBe(true);
    expect(subjectMatches({ kind: "ServiceAccount", name: "robot", namespace: "" }, robot, "ci")).toBe(true);
    expect(subjectMatches({ kind: "ServiceAccount", name: "robot", namespace: "" }, robot, "")).toBe(false);
    expect(subjectMatches({ kind: "ServiceAccount", name: "robot", namespace: "prod" }, robot, "ci")).toBe(
      false,
    );
  });
});

describe("selectorMatches", () => {
  const labels = { tier: "web", env: "prod" };
  it("evaluates matchLabels and every matchExpressions operator", () => {
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { tier: "web" } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { tier: "db" } }, labels)).toBe(false);
    expect(
      selectorMatches({ matchExpressions: [{ key: "env", operator: "In", values: ["prod", "qa"] }] }, labels),
    ).toBe(true);
    expect(
      selectorMatches({ matchExpressions: [{ key: "env", operator: "NotIn", values: ["prod"] }] }, labels),
    ).toBe(false);
    expect(
      selectorMatches({ matchExpressions: [{ key: "x", operator: "NotIn", values: ["prod"] }] }, labels),
    ).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: "tier", operator: "Exists" }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, labels)).toBe(
      false,
    );
    expect(selectorMatches({ matchExpressions: [{ key: "tier", operator: "Bogus" }] }, labels)).toBe(false);
  });
});
