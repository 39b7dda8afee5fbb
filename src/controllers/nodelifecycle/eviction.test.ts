import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types.js";
import { evictionDelayMs } from "./eviction.js";

const unreachable = (timeAdded?: string) => ({
  key: "node.kubernetes.io/unreachable",
  effect: "NoExecute",
  ...(timeAdded && { timeAdded }),
});

function pod(tolerations: unknown[] = []): KubeObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { tolerations } };
}

const t0 = new Date("2026-01-01T00:00:00Z");
const at = (s: number) => new Date(t0.getTime() + s * 1000);

describe("evictionDelayMs", () => {
  it("never evicts without NoExecute taints or with tolerations without seconds", () => {
    expect(evictionDelayMs(pod(), [{ key: "x", effect: "NoSchedule" }], t0, t0)).toBeUndefined();
    expect(evictionDelayMs(pod([{ operator: "Exists" }]), [unreachable()], t0, t0)).toBeUndefined();
  });

  it("evicts at once when a NoExecute taint is not tolerated", () => {
    expect(evictionDelayMs(pod(), [unreachable()], t0, t0)).toBe(0);
    const tolerated = pod([
      {
        key: "node.kubernetes.io/unreachable",
        operator: "Exists",
        effect: "NoExecute",
        tolerationSeconds: 300,
      },
    ]);
    expect(evictionDelayMs(tolerated, [unreachable(), { key: "other", effect: "NoExecute" }], t0, t0)).toBe(
      0,
    );
  });

  it("waits tolerationSeconds from the taint's timeAdded (or first sight)", () => {
    const p = pod([
      {
        key: "node.kubernetes.io/unreachable",
        operator: "Exists",
        effect: "NoExecute",
        tolerationSeconds: 300,
      },
    ]);
    expect(evictionDelayMs(p, [unreachable("2026-01-01T00:00:00Z")], at(100), at(50))).toBe(200_000);
    expect(evictionDelayMs(p, [unreachable("2026-01-01T00:00:00Z")], at(400), at(50))).toBe(0);
    expect(evictionDelayMs(p, [unreachable()], at(100), at(50))).toBe(250_000);
    const zero = pod([
      {
        key: "node.kubernetes.io/unreachable",
        operator: "Exists",
        effect: "NoExecute",
        tolerationSeconds: 0,
      },
    ]);
    expect(evictionDelayMs(zero, [unreachable("2026-01-01T00:00:00Z")], t0, t0)).toBe(0);
  });

  it("uses the shortest of the matching tolerations", () => {
    const p = pod([
      {
        key: "node.kubernetes.io/unreachable",
        operator: "Exists",
        effect: "NoExecute",
        tolerationSeconds: 300,
      },
      { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 30 },
    ]);
    const taints = [
      unreachable("2026-01-01T00:00:00Z"),
      { key: "node.kubernetes.io/not-ready", effect: "NoExecute", timeAdded: "2026-01-01T00:00:00Z" },
    ];
    expect(evictionDelayMs(p, taints, at(10), t0)).toBe(20_000);
  });
});
