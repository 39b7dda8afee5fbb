import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types.js";
import {
  calculateStatus,
  manage,
  maxSurge,
  maxUnavailable,
  rollingDeletes,
  statusEqual,
  type NodeState,
} from "./util.js";

const run = { shouldRun: true, shouldContinueRunning: true };
const stay = { shouldRun: false, shouldContinueRunning: true };
const none = { shouldRun: false, shouldContinueRunning: false };

function pod(name: string, hash: string, ready: boolean): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels: { "controller-revision-hash": hash } },
    status: ready
      ? {
          phase: "Running",
          conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2026-01-01T00:00:00Z" }],
        }
      : { phase: "Pending" },
  };
}

const state = (
  name: string,
  placement: NodeState["placement"],
  pods: KubeObject[] = [],
  finished: KubeObject[] = [],
  terminating: KubeObject[] = [],
): NodeState => ({
  name,
  placement,
  pods,
  finished,
  terminating,
});
const now = new Date("2026-01-01T01:00:00Z");
const names = (pods: KubeObject[]) => pods.map((p) => p.metadata.name);

describe("daemonset util", () => {
  it("creates missing pods, deletes extra, misplaced and finished ones", () => {
    const plan = manage([
      state("a", run),
      state("b", run, [pod("b1", "h", true), pod("b2", "h", true)]),
      state("c", none, [pod("c1", "h", true)]),
      state("d", stay, [pod("d1", "h", true)]),
      state("e", run, [], [pod("e0", "h", false)]),
    ]);
    expect(plan.create).toEqual(["a", "e"]);
    expect(names(plan.delete)).toEqual(["b2", "c1", "e0"]);
  });

  it("starts no replacement on a node while its old pod is still terminating", () => {
    const plan = manage([state("a", run, [], [], [pod("a0", "old", true)]), state("b", run)]);
    expect(plan.create).toEqual(["b"]);
    expect(plan.delete).toEqual([]);
  });

  it("resolves maxUnavailable from an int or a percent (rounded up, at least 1)", () => {
    const ds = (v: unknown): KubeObject => ({
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: {},
      spec: { updateStrategy: { rollingUpdate: { maxUnavailable: v } } },
    });
    expect(maxUnavailable(ds(undefined), 10)).toBe(1);
    expect(maxUnavailable(ds(3), 10)).toBe(3);
    expect(maxUnavailable(ds("25%"), 10)).toBe(3);
    expect(maxUnavailable(ds(0), 10)).toBe(1);
  });

  it("resolves maxSurge (rounded up, default 0); maxUnavailable may be 0 only with a surge", () => {
    const ds = (rollingUpdate: Record<string, unknown>): KubeObject => ({
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: {},
      spec: { updateStrategy: { rollingUpdate } },
    });
    expect(maxSurge(ds({}), 10)).toBe(0);
    expect(maxSurge(ds({ maxSurge: "15%" }), 10)).toBe(2);
    expect(maxUnavailable(ds({ maxSurge: 1, maxUnavailable: 0 }), 10)).toBe(0);
    expect(maxUnavailable(ds({ maxSurge: 0, maxUnavailable: 0 }), 10)).toBe(1);
  });

  it("keeps a surge pod beside the old one and starts pods beside terminating ones", () => {
    const surge = { hash: "new", minReadySeconds: 0, now };
    const plan = manage(
      [
        state("a", run, [pod("a1", "old", true), pod("a2", "new", false)]),
        state("b", run, [], [], [pod("b0", "old", true)]),
      ],
      surge,
    );
    expect(plan).toEqual({ create: ["b"], delete: [] });
  });

  it("replaces old pods one at a time while the new ones are not available", () => {
    const states = [
      state("a", run, [pod("a", "old", true)]),
      state("b", run, [pod("b", "old", true)]),
      state("c", run, [pod("c", "old", true)]),
    ];
    expect(names(rollingDeletes(states, "new", 1, 0, now))).toEqual(["a"]);
    const next = [state("a", run, [pod("a2", "new", false)]), states[1] as NodeState, states[2] as NodeState];
    expect(rollingDeletes(next, "new", 1, 0, now)).toEqual([]);
    const missing = [state("a", run), states[1] as NodeState];
    expect(rollingDeletes(missing, "new", 1, 0, now)).toEqual([]);
    const broken = [state("a", run, [pod("a", "old", false)]), states[1] as NodeState];
    expect(names(rollingDeletes(broken, "new", 1, 0, now))).toEqual(["a"]);
    expect(names(rollingDeletes(states, "new", 2, 0, now))).toEqual(["a", "b"]);
  });

  it("reports desired, current, ready, available, updated and misscheduled", () => {
    const ds: KubeObject = {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { generation: 4 },
      spec: {},
    };
    const s = calculateStatus(
      ds,
      [
        state("a", run, [pod("a", "new", true)]),
        state("b", run, [pod("b", "old", false)]),
        state("c", run),
        state("d", stay, [pod("d", "new", true)]),
      ],
      "new",
      now,
    );
    expect(s).toEqual({
      currentNumberScheduled: 2,
      numberMisscheduled: 1,
      desiredNumberScheduled: 3,
      numberReady: 1,
      observedGeneration: 4,
      updatedNumberScheduled: 1,
      numberAvailable: 1,
      numberUnavailable: 2,
    });
    expect(statusEqual({ ...s }, s)).toBe(true);
    expect(statusEqual({ ...s, numberReady: 0 }, s)).toBe(false);
  });
});
