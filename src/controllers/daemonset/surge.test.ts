import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types.js";
import { rollingSurge, surgeExtras } from "./surge.js";
import type { NodeState } from "./util.js";

const run = { shouldRun: true, shouldContinueRunning: true };
const c = { hash: "new", minReadySeconds: 0, now: new Date("2026-01-01T01:00:00Z") };

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

const state = (name: string, pods: KubeObject[]): NodeState => ({
  name,
  placement: run,
  pods,
  finished: [],
  terminating: [],
});
const names = (pods: KubeObject[]) => pods.map((p) => p.metadata.name);

describe("daemonset surge", () => {
  it("keeps the old pod beside a new one until the new one is available", () => {
    expect(surgeExtras([pod("old", "old", true), pod("new", "new", false)], c)).toEqual([]);
    expect(names(surgeExtras([pod("old", "old", true), pod("new", "new", true)], c))).toEqual(["old"]);
    // An old pod that is not Ready gives way at once.
    expect(names(surgeExtras([pod("old", "old", false), pod("new", "new", false)], c))).toEqual(["old"]);
    const dupes = [
      pod("o1", "old", true),
      pod("o2", "old", true),
      pod("n1", "new", false),
      pod("n2", "new", false),
    ];
    expect(names(surgeExtras(dupes, c))).toEqual(["o2", "n2"]);
  });

  it("surges onto at most maxSurge nodes, at once where the old pod is unavailable", () => {
    const states = [
      state("a", [pod("a", "old", true)]),
      state("b", [pod("b", "old", true)]),
      state("c", [pod("c", "old", false)]),
    ];
    expect(rollingSurge(states, 1, c)).toEqual({ create: ["c", "a"], delete: [] });
    const surgingOnA = [state("a", [pod("a", "old", true), pod("a2", "new", false)]), ...states.slice(1)];
    expect(rollingSurge(surgingOnA, 1, c)).toEqual({ create: ["c"], delete: [] });
    const availableOnA = [state("a", [pod("a", "old", true), pod("a2", "new", true)]), ...states.slice(1)];
    const next = rollingSurge(availableOnA, 1, c);
    expect(next.create).toEqual(["c", "b"]);
    expect(names(next.delete)).toEqual(["a"]);
  });
});
