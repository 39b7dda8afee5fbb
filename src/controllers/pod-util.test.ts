import { describe, expect, it } from "vitest";
import type { KubeObject } from "../api/types.js";
import {
  controllerRef,
  isPodActive,
  isPodAvailable,
  isPodReady,
  labels,
  objectKey,
  ownerRefFor,
  podFromTemplate,
  splitKey,
} from "./pod-util.js";

function pod(status: Record<string, unknown>, meta: Partial<KubeObject["metadata"]> = {}): KubeObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "ns", ...meta }, status };
}

const ready = (at: string) => ({
  phase: "Running",
  conditions: [{ type: "Ready", status: "True", lastTransitionTime: at }],
});

describe("pod-util", () => {
  it("reads readiness and availability with minReadySeconds", () => {
    const p = pod(ready("2026-01-01T00:00:00Z"));
    expect(isPodReady(p)).toBe(true);
    expect(isPodAvailable(p, 0, new Date("2026-01-01T00:00:00Z"))).toBe(true);
    expect(isPodAvailable(p, 10, new Date("2026-01-01T00:00:09Z"))).toBe(false);
    expect(isPodAvailable(p, 10, new Date("2026-01-01T00:00:10Z"))).toBe(true);
    expect(isPodReady(pod({ phase: "Pending" }))).toBe(false);
  });

  it("active pods are neither finished nor being deleted", () => {
    expect(isPodActive(pod({ phase: "Running" }))).toBe(true);
    expect(isPodActive(pod({ phase: "Failed" }))).toBe(false);
    expect(isPodActive(pod({ phase: "Succeeded" }))).toBe(false);
    expect(isPodActive(pod({}, { deletionTimestamp: "2026-01-01T00:00:00Z" }))).toBe(false);
  });

  it("matches selectors: absent selects nothing, {} everything", () => {
    expect(labels.matches({ matchLabels: { app: "a" } }, { app: "a", x: "y" })).toBe(true);
    expect(
      labels.matches({ matchExpressions: [{ key: "app", operator: "NotIn", values: ["a"] }] }, { app: "a" }),
    ).toBe(false);
    expect(labels.matches(undefined, { app: "a" })).toBe(false);
    expect(labels.matches({}, {})).toBe(true);
    expect(labels.matches({ matchExpressions: [{ key: "k", operator: "Bogus" }] }, { k: "v" })).toBe(false);
  });

  it("builds keys, owner references and pods from templates", () => {
    const rs: KubeObject = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: "web", namespace: "ns", uid: "u1" },
    };
    expect(objectKey(rs)).toBe("ns/web");
    expect(splitKey("ns/web")).toEqual({ namespace: "ns", name: "web" });
    expect(splitKey("node-1")).toEqual({ namespace: undefined, name: "node-1" });
    const p = podFromTemplate(
      {
        metadata: { labels: { app: "web" }, annotations: { a: "b" } },
        spec: { containers: [{ name: "c", image: "i" }] },
      },
      rs,
      { generateName: "web-" },
    );
    expect(p.metadata).toEqual({
      generateName: "web-",
      namespace: "ns",
      labels: { app: "web" },
      annotations: { a: "b" },
      ownerReferences: [ownerRefFor(rs)],
    });
    expect(controllerRef(p)).toEqual({
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      name: "web",
      uid: "u1",
      controller: true,
      blockOwnerDeletion: true,
    });
    expect(p.spec).toEqual({ containers: [{ name: "c", image: "i" }] });
  });
});
