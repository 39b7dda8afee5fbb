import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types.js";
import { node } from "../controllers.test-util.js";
import { daemonPodNode, daemonTolerations, nodeMatchesPodSpec, placement } from "./placement.js";
import { newDaemonPod, pinToNode } from "./pod.js";

function ds(podSpec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "agent", namespace: "kube-system", uid: "u", generation: 2 },
    spec: {
      selector: { matchLabels: { app: "agent" } },
      template: {
        metadata: { labels: { app: "agent" } },
        spec: { containers: [{ name: "c", image: "i" }], ...podSpec },
      },
    },
  };
}

describe("daemonset placement", () => {
  it("runs on plain nodes, tolerating not-ready, unreachable, pressure and unschedulable", () => {
    expect(placement(ds(), node("n1"))).toEqual({ shouldRun: true, shouldContinueRunning: true });
    const cordoned = node("n2", {
      taints: [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }],
    });
    expect(placement(ds(), cordoned).shouldRun).toBe(true);
    const lost = node("n3", { taints: [{ key: "node.kubernetes.io/unreachable", effect: "NoExecute" }] });
    expect(placement(ds(), lost).shouldRun).toBe(true);
  });

  it("NoSchedule taints keep new pods off; NoExecute ones remove running pods", () => {
    const gpu = node("g", { taints: [{ key: "gpu", value: "x", effect: "NoSchedule" }] });
    expect(placement(ds(), gpu)).toEqual({ shouldRun: false, shouldContinueRunning: true });
    expect(placement(ds({ tolerations: [{ key: "gpu", operator: "Exists" }] }), gpu).shouldRun).toBe(true);
    const drain = node("d", { taints: [{ key: "maintenance", effect: "NoExecute" }] });
    expect(placement(ds(), drain)).toEqual({ shouldRun: false, shouldContinueRunning: false });
  });

  it("honours nodeSelector, required node affinity and a fixed nodeName", () => {
    const ssd = node("s", { labels: { disk: "ssd", zone: "3" } });
    expect(placement(ds({ nodeSelector: { disk: "ssd" } }), ssd).shouldRun).toBe(true);
    expect(placement(ds({ nodeSelector: { disk: "hdd" } }), ssd).shouldRun).toBe(false);
    const affinity = (expr: Record<string, unknown>) => ({
      affinity: {
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [expr] } },
      },
    });
    expect(
      nodeMatchesPodSpec(
        affinity({ matchExpressions: [{ key: "zone", operator: "Gt", values: ["2"] }] }),
        ssd,
      ),
    ).toBe(true);
    expect(
      nodeMatchesPodSpec(
        affinity({ matchExpressions: [{ key: "zone", operator: "Lt", values: ["2"] }] }),
        ssd,
      ),
    ).toBe(false);
    expect(
      nodeMatchesPodSpec(affinity({ matchExpressions: [{ key: "gpu", operator: "DoesNotExist" }] }), ssd),
    ).toBe(true);
    expect(
      nodeMatchesPodSpec(
        affinity({ matchFields: [{ key: "metadata.name", operator: "In", values: ["s"] }] }),
        ssd,
      ),
    ).toBe(true);
    expect(nodeMatchesPodSpec(affinity({}), ssd)).toBe(false);
    expect(placement(ds({ nodeName: "other" }), ssd).shouldRun).toBe(false);
  });

  it("builds daemon pods pinned to their node with the daemon tolerations and revision labels", () => {
    const pod = newDaemonPod(
      ds({
        tolerations: [
          {
            key: "node.kubernetes.io/unreachable",
            operator: "Exists",
            effect: "NoExecute",
            tolerationSeconds: 5,
          },
        ],
      }),
      "n1",
      "abc",
    );
    expect(pod.metadata.labels).toEqual({
      app: "agent",
      "controller-revision-hash": "abc",
      "pod-template-generation": "2",
    });
    expect(pod.metadata.generateName).toBe("agent-");
    expect(daemonPodNode(pod)).toBe("n1");
    const tolerations = (pod.spec as { tolerations: unknown[] }).tolerations;
    expect(tolerations).toHaveLength(6);
    expect(tolerations[0]).toMatchObject({ tolerationSeconds: 5 });
    expect(daemonTolerations({ hostNetwork: true })).toHaveLength(7);
    expect(pinToNode({ podAntiAffinity: { x: 1 } }, "n2")).toEqual({
      podAntiAffinity: { x: 1 },
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["n2"] }] }],
        },
      },
    });
  });
});
