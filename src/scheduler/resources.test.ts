import { describe, expect, it } from "vitest";
import {
  DEFAULT_MEMORY_REQUEST,
  DEFAULT_MILLI_CPU_REQUEST,
  parseResourceList,
  podRequests,
} from "./resources.js";

const c = (requests: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  name: "c",
  resources: { requests },
  ...extra,
});

describe("parseResourceList", () => {
  it("reads cpu as millicores rounded up, memory and others in base units", () => {
    const r = parseResourceList({
      cpu: "0.1",
      memory: "1Gi",
      "ephemeral-storage": "1G",
      "example.com/gpu": "2",
      pods: "9",
    });
    expect(r.milliCpu).toBe(100);
    expect(r.memory).toBe(2 ** 30);
    expect(r.ephemeralStorage).toBe(1e9);
    expect([...r.scalar]).toEqual([["example.com/gpu", 2]]);
    expect(parseResourceList({ cpu: "1.5m" }).milliCpu).toBe(2);
  });
});

describe("podRequests", () => {
  it("sums the containers", () => {
    const r = podRequests({ containers: [c({ cpu: "100m", memory: "1Mi" }), c({ cpu: "250m" })] });
    expect(r.milliCpu).toBe(350);
    expect(r.memory).toBe(2 ** 20);
  });

  it("takes the larger of the containers and the biggest init container, then adds overhead", () => {
    const spec = {
      containers: [c({ cpu: "100m" })],
      initContainers: [c({ cpu: "500m" }), c({ cpu: "200m" })],
      overhead: { cpu: "10m" },
    };
    expect(podRequests(spec).milliCpu).toBe(510);
  });

  it("counts sidecars (restartPolicy Always) with the containers and under later init containers", () => {
    const spec = {
      containers: [c({ cpu: "100m" })],
      initContainers: [c({ cpu: "50m" }, { restartPolicy: "Always" }), c({ cpu: "300m" })],
    };
    // steady: 100 + 50 = 150; while the second init container runs: 300 + 50 = 350.
    expect(podRequests(spec).milliCpu).toBe(350);
  });

  it("with nonZero, gives containers without a request the scoring defaults", () => {
    const r = podRequests({ containers: [{ name: "a" }, c({ cpu: "0" })] }, { nonZero: true });
    expect(r.milliCpu).toBe(DEFAULT_MILLI_CPU_REQUEST);
    expect(r.memory).toBe(2 * DEFAULT_MEMORY_REQUEST);
  });
});
