import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types.js";
import { node } from "../controllers.test-util.js";
import { isSilent, observe, readyStatus, unknownConditions } from "./health.js";
import { reconcileTaints, wantedTaints } from "./taints.js";

const lease = (renewTime: string): KubeObject => ({
  apiVersion: "coordination.k8s.io/v1",
  kind: "Lease",
  metadata: { name: "n1" },
  spec: { renewTime },
});
const now = new Date("2026-01-01T00:01:00Z");

describe("node health", () => {
  it("is heard from when the lease renewTime or the Ready heartbeat changes", () => {
    const n = node("n1");
    const h0 = observe(undefined, n, lease("t1"), 1000);
    expect(h0.probeAt).toBe(1000);
    expect(observe(h0, n, lease("t1"), 5000).probeAt).toBe(1000);
    expect(observe(h0, n, lease("t2"), 5000).probeAt).toBe(5000);
    const beat = node("n1");
    (beat.status as { conditions: Record<string, unknown>[] }).conditions[0]!.lastHeartbeatTime = "x";
    expect(observe(h0, beat, lease("t1"), 6000).probeAt).toBe(6000);
    expect(isSilent({ probeAt: 1000 }, 41_000, 40_000)).toBe(false);
    expect(isSilent({ probeAt: 1000 }, 41_001, 40_000)).toBe(true);
  });

  it("turns the kubelet's conditions Unknown, once", () => {
    const n = node("n1");
    const conditions = unknownConditions(n, now);
    expect(conditions?.find((c) => c.type === "Ready")).toEqual({
      type: "Ready",
      status: "Unknown",
      reason: "NodeStatusUnknown",
      message: "Kubelet stopped posting node status.",
      lastTransitionTime: "2026-01-01T00:01:00Z",
    });
    expect(conditions?.find((c) => c.type === "MemoryPressure")).toMatchObject({
      status: "Unknown",
      reason: "NodeStatusNeverUpdated",
      message: "Kubelet never posted node status.",
    });
    expect(conditions).toHaveLength(4);
    expect(unknownConditions({ ...n, status: { conditions } }, now)).toBeUndefined();
    expect(readyStatus({ ...n, status: { conditions } })).toBe("Unknown");
    expect(readyStatus({ ...n, status: {} })).toBe("");
  });
});

describe("node taints", () => {
  it("derives not-ready, unreachable, pressure and unschedulable taints", () => {
    expect(wantedTaints(node("n", { ready: false })).map((t) => `${t.key}:${t.effect}`)).toEqual([
      "node.kubernetes.io/not-ready:NoExecute",
      "node.kubernetes.io/not-ready:NoSchedule",
    ]);
    const lost = {
      ...node("n"),
      status: {
        conditions: [
          { type: "Ready", status: "Unknown" },
          { type: "MemoryPressure", status: "True" },
        ],
      },
    };
    expect(wantedTaints(lost).map((t) => `${t.key}:${t.effect}`)).toEqual([
      "node.kubernetes.io/unreachable:NoExecute",
      "node.kubernetes.io/unreachable:NoSchedule",
      "node.kubernetes.io/memory-pressure:NoSchedule",
    ]);
    const cordoned = node("n");
    cordoned.spec = { unschedulable: true };
    expect(wantedTaints(cordoned)).toEqual([
      { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" },
    ]);
    expect(wantedTaints(node("n"))).toEqual([]);
  });

  it("adds and removes only managed taints, stamping NoExecute ones", () => {
    const lost = node("n", { taints: [{ key: "dedicated", value: "db", effect: "NoSchedule" }] });
    lost.status = { conditions: [{ type: "Ready", status: "Unknown" }] };
    const taints = reconcileTaints(lost, now);
    expect(taints).toEqual([
      { key: "dedicated", value: "db", effect: "NoSchedule" },
      { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: "2026-01-01T00:01:00Z" },
      { key: "node.kubernetes.io/unreachable", effect: "NoSchedule" },
    ]);
    const tainted = { ...lost, spec: { taints } };
    expect(reconcileTaints(tainted, new Date())).toBeUndefined();
    const back = { ...tainted, status: { conditions: [{ type: "Ready", status: "True" }] } };
    expect(reconcileTaints(back, now)).toEqual([{ key: "dedicated", value: "db", effect: "NoSchedule" }]);
  });
});
