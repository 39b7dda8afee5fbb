import { describe, expect, it } from "vitest";
import { podDef } from "../resources/core-pod.js";
import { configMapDef } from "../resources/core-configmap.js";
import type { KubeObject } from "../types.js";
import { admit } from "./admission.js";

const pod = (tolerations?: unknown[]): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p" },
  spec: { containers: [{ name: "c", image: "busybox" }], ...(tolerations && { tolerations }) },
});

describe("DefaultTolerationSeconds admission", () => {
  it("adds not-ready and unreachable NoExecute tolerations of 300 s", () => {
    const p = pod();
    admit(podDef, p, {});
    expect((p.spec as { tolerations: unknown[] }).tolerations).toEqual([
      {
        key: "node.kubernetes.io/not-ready",
        operator: "Exists",
        effect: "NoExecute",
        tolerationSeconds: 300,
      },
      {
        key: "node.kubernetes.io/unreachable",
        operator: "Exists",
        effect: "NoExecute",
        tolerationSeconds: 300,
      },
    ]);
  });

  it("takes the seconds from the options and keeps the pod's own tolerations", () => {
    const own = {
      key: "node.kubernetes.io/unreachable",
      operator: "Exists",
      effect: "NoExecute",
      tolerationSeconds: 5,
    };
    const p = pod([own]);
    admit(podDef, p, { defaultNotReadyTolerationSeconds: 2, defaultUnreachableTolerationSeconds: 9 });
    expect((p.spec as { tolerations: unknown[] }).tolerations).toEqual([
      own,
      { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 2 },
    ]);
  });

  it("adds nothing when a toleration with an empty key or effect covers both", () => {
    const p = pod([{ operator: "Exists" }]);
    admit(podDef, p, {});
    expect((p.spec as { tolerations: unknown[] }).tolerations).toEqual([{ operator: "Exists" }]);
  });

  it("leaves other kinds alone", () => {
    const cm: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, spec: {} };
    admit(configMapDef, cm, {});
    expect(cm.spec).toEqual({});
  });
});
