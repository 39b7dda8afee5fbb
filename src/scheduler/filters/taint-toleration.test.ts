import { describe, expect, it } from "vitest";
import { node, pod } from "../fixtures.test-util.js";
import { taintToleration } from "./taint-toleration.js";

describe("TaintToleration filter", () => {
  const n = node("n1", {
    taints: [
      { key: "soft", effect: "PreferNoSchedule" },
      { key: "dedicated", value: "db", effect: "NoSchedule" },
      { key: "node.kubernetes.io/unreachable", effect: "NoExecute" },
    ],
  });

  it("names the first NoSchedule/NoExecute taint the pod does not tolerate", () => {
    expect(taintToleration.filter(pod("p"), n)).toEqual(["node(s) had untolerated taint {dedicated: db}"]);
    const dbOnly = [{ key: "dedicated", operator: "Equal", value: "db", effect: "NoSchedule" }];
    expect(taintToleration.filter(pod("p", { tolerations: dbOnly }), n)).toEqual([
      "node(s) had untolerated taint {node.kubernetes.io/unreachable: }",
    ]);
  });

  it("accepts Exists tolerations, an empty key with Exists, and tolerations without an effect", () => {
    const all = [{ operator: "Exists" }];
    expect(taintToleration.filter(pod("p", { tolerations: all }), n)).toEqual([]);
    const byKey = [
      { key: "dedicated", operator: "Exists" },
      {
        key: "node.kubernetes.io/unreachable",
        operator: "Exists",
        effect: "NoExecute",
        tolerationSeconds: 300,
      },
    ];
    expect(taintToleration.filter(pod("p", { tolerations: byKey }), n)).toEqual([]);
  });

  it("does not let a wrong value or effect tolerate", () => {
    const wrong = [
      { key: "dedicated", value: "web", effect: "NoSchedule" },
      { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoSchedule" },
    ];
    expect(taintToleration.filter(pod("p", { tolerations: wrong }), n)).toEqual([
      "node(s) had untolerated taint {dedicated: db}",
    ]);
  });
});
