import { describe, expect, it } from "vitest";
import type { KubeObject } from "../api/types.js";
import type { ContainerRecord } from "./pod-runtime.js";
import { canonical, podStatus, type PodStatusInput, type Waiting } from "./pod-status.js";

const t0 = new Date("2026-01-01T00:00:00Z");
const at = (s: number) => new Date(t0.getTime() + s * 1000);

function pod(spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "ns", uid: "u" }, spec, status };
}

function rec(
  name: string,
  attempt: number,
  state: ContainerRecord["state"],
  extra: Partial<ContainerRecord> = {},
): ContainerRecord {
  return {
    id: `${name}${attempt}`,
    podUid: "u",
    name,
    attempt,
    init: false,
    image: "img:1",
    imageID: "sha256:abc",
    state,
    createdAt: at(attempt),
    startedAt: at(attempt),
    ...(state === "exited" && { finishedAt: at(attempt + 1), exitCode: 0, reason: "Completed" }),
    ...extra,
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function status(p: KubeObject, records: ContainerRecord[], o: Partial<PodStatusInput> = {}): any {
  return podStatus({
    pod: p,
    records,
    waiting: new Map<string, Waiting>(),
    probes: () => ({ ready: true, started: true }),
    podIP: "10.0.0.2",
    hostIP: "192.168.0.1",
    now: at(100),
    ...o,
  });
}

const one = { containers: [{ name: "c", image: "img:1" }] };

describe("podStatus", () => {
  it("is Pending with ContainerCreating before any container exists", () => {
    const s = status(pod(one), []);
    expect(s.phase).toBe("Pending");
    expect(s.containerStatuses[0]).toEqual({
      name: "c",
      image: "img:1",
      imageID: "",
      state: { waiting: { reason: "ContainerCreating" } },
      lastState: {},
      ready: false,
      restartCount: 0,
      started: false,
    });
    expect(s.startTime).toBe("2026-01-01T00:01:40Z");
  });

  it("keeps startTime and transition times that did not change", () => {
    const first = status(pod(one), [rec("c", 0, "running")]);
    const again = status(pod(one, first), [rec("c", 0, "running")], { now: at(500) });
    expect(canonical(again)).toBe(canonical(first));
  });

  it("reports the guaranteed QoS class and readiness from probes", () => {
    const r = { limits: { cpu: "1", memory: "1Gi" } };
    const s = status(
      pod({ containers: [{ name: "c", image: "img:1", resources: r }] }),
      [rec("c", 0, "running")],
      {
        probes: () => ({ ready: false, started: true }),
      },
    );
    expect(s.qosClass).toBe("Guaranteed");
    expect(s.phase).toBe("Running");
    expect(s.conditions.find((c: { type: string }) => c.type === "Ready")).toMatchObject({
      status: "False",
      reason: "ContainersNotReady",
      message: "containers with unready status: [c]",
    });
  });

  it("shows CrashLoopBackOff as waiting with the last termination, phase Running under Always", () => {
    const waiting = new Map([["c", { reason: "CrashLoopBackOff", message: "back-off 10s" }]]);
    const s = status(
      pod(one),
      [
        rec("c", 0, "exited", { exitCode: 137, reason: "Error" }),
        rec("c", 1, "exited", { exitCode: 1, reason: "Error" }),
      ],
      { waiting },
    );
    expect(s.phase).toBe("Running");
    expect(s.containerStatuses[0]).toMatchObject({
      state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 10s" } },
      lastState: { terminated: { exitCode: 1, reason: "Error", containerID: "skiff://c1" } },
      restartCount: 1,
    });
  });

  it("is Succeeded when all exit 0 under OnFailure, Failed on an error under Never", () => {
    const onFailure = status(pod({ ...one, restartPolicy: "OnFailure" }), [rec("c", 0, "exited")]);
    expect(onFailure.phase).toBe("Succeeded");
    expect(onFailure.conditions.find((c: { type: string }) => c.type === "Ready")).toMatchObject({
      reason: "PodCompleted",
    });
    const never = status(pod({ ...one, restartPolicy: "Never" }), [
      rec("c", 0, "exited", { exitCode: 3, reason: "Error" }),
    ]);
    expect(never.phase).toBe("Failed");
    expect(never.containerStatuses[0].state.terminated).toMatchObject({
      exitCode: 3,
      reason: "Error",
      finishedAt: "2026-01-01T00:00:01Z",
    });
  });

  it("never leaves a terminal phase", () => {
    expect(status(pod(one, { phase: "Failed" }), [rec("c", 0, "running")]).phase).toBe("Failed");
  });

  it("reports a stopped pod being deleted as Failed under restartPolicy Always", () => {
    const s = status(pod(one), [rec("c", 0, "exited", { exitCode: 143, reason: "Error" })], {
      terminal: true,
    });
    expect(s.phase).toBe("Failed");
  });

  it("waits for init containers: PodInitializing, Initialized=False", () => {
    const spec = { initContainers: [{ name: "i", image: "img:1" }], ...one };
    const s = status(pod(spec), [rec("i", 0, "running", { init: true })]);
    expect(s.phase).toBe("Pending");
    expect(s.containerStatuses[0].state).toEqual({ waiting: { reason: "PodInitializing" } });
    expect(s.initContainerStatuses[0].state.running).toBeDefined();
    expect(s.conditions.map((c: { type: string; status: string }) => `${c.type}=${c.status}`)).toEqual([
      "Initialized=False",
      "Ready=False",
      "ContainersReady=False",
      "PodScheduled=True",
    ]);
  });

  it("keeps conditions owned by others and honours readiness gates", () => {
    const spec = { ...one, readinessGates: [{ conditionType: "example.com/lb" }] };
    const other = { type: "DisruptionTarget", status: "True" };
    const s = status(pod(spec, { conditions: [other] }), [rec("c", 0, "running")]);
    expect(s.conditions).toContainEqual(other);
    expect(s.conditions.find((c: { type: string }) => c.type === "Ready")).toMatchObject({
      status: "False",
      reason: "ReadinessGatesNotReady",
      message: 'corresponding condition of pod readiness gate "example.com/lb" does not exist.',
    });
  });
});
