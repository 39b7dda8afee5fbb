import { describe, expect, it } from "vitest";
import type { ContainerJSON } from "../runtime/docker-api-types.js";
import type { ContainerSummary } from "../runtime/docker-api-types.js";
import { listRecords, recordOf, type ContainerLister } from "./runtime-records.js";

const ZERO = "0001-01-01T00:00:00Z";
function inspect(state: Partial<ContainerJSON["State"]>, labels: Record<string, string> = {}): ContainerJSON {
  return {
    Id: "c".repeat(64),
    Created: "2026-12-07T06:00:00Z",
    Image: "sha256:" + "a".repeat(64),
    Config: {
      Image: "busybox",
      Labels: {
        "io.kubernetes.pod.uid": "u1",
        "io.kubernetes.container.name": "app",
        "io.kubernetes.container.attempt": "3",
        "io.kubernetes.container.init": "false",
        ...labels,
      },
    },
    State: {
      Status: "exited",
      Running: false,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: 0,
      ExitCode: 0,
      Error: "",
      StartedAt: "2026-12-07T06:00:01Z",
      FinishedAt: "2026-12-07T06:00:02Z",
      ...state,
    },
  } as unknown as ContainerJSON; // recordOf reads only these fields
}

describe("recordOf", () => {
  it("maps states and exit reasons to the kubelet's words", () => {
    expect(recordOf(inspect({ Status: "running", Running: true, FinishedAt: ZERO }))).toMatchObject({
      podUid: "u1",
      name: "app",
      attempt: 3,
      init: false,
      image: "busybox",
      state: "running",
      startedAt: new Date("2026-12-07T06:00:01Z"),
    });
    expect(recordOf(inspect({ ExitCode: 0 }))).toMatchObject({
      state: "exited",
      exitCode: 0,
      reason: "Completed",
    });
    expect(recordOf(inspect({ ExitCode: 2 }))).toMatchObject({
      state: "exited",
      exitCode: 2,
      reason: "Error",
    });
    expect(recordOf(inspect({ ExitCode: 137, OOMKilled: true }))).toMatchObject({ reason: "OOMKilled" });
    expect(recordOf(inspect({ Status: "created", StartedAt: ZERO, FinishedAt: ZERO }))).toMatchObject({
      state: "created",
    });
    expect(
      recordOf(
        inspect({
          Status: "created",
          Error: "exec: not found",
          ExitCode: 127,
          StartedAt: ZERO,
          FinishedAt: ZERO,
        }),
      ),
    ).toMatchObject({ state: "exited", exitCode: 127, reason: "StartError" });
  });

  it("ignores containers without the pod labels", () => {
    const plain = inspect({});
    plain.Config.Labels = {};
    expect(recordOf(plain)).toBeUndefined();
  });
});

describe("listRecords", () => {
  /** An engine of three containers (two pods and a plain one) that honours label filters. */
  function engine(): ContainerLister & { filters: string[][] } {
    const byId = new Map<string, ContainerJSON>();
    for (const [id, uid] of [
      ["a", "u1"],
      ["b", "u2"],
      ["c", undefined],
    ] as const) {
      const j = inspect({ Status: "running", Running: true });
      j.Id = id;
      if (uid === undefined) j.Config.Labels = {};
      else (j.Config.Labels ?? {})["io.kubernetes.pod.uid"] = uid;
      byId.set(id, j);
    }
    const filters: string[][] = [];
    const matches = (labels: Record<string, string>, spec: string): boolean => {
      const [key = "", value] = spec.split("=");
      return key in labels && (value === undefined || labels[key] === value);
    };
    return {
      filters,
      list(o) {
        const label = o.filters["label"] ?? [];
        filters.push(label);
        return [...byId.values()]
          .filter((j) => label.every((spec) => matches(j.Config.Labels ?? {}, spec)))
          .map((j) => ({ Id: j.Id }) as ContainerSummary);
      },
      inspect: (id) => byId.get(id) as ContainerJSON,
    };
  }

  it("lists every pod container, or asks the engine for one pod's only", () => {
    const e = engine();
    expect(listRecords(e).map((r) => r.id)).toEqual(["a", "b"]);
    expect(listRecords(e, "u2").map((r) => r.id)).toEqual(["b"]);
    expect(listRecords(e, "gone")).toEqual([]);
    expect(e.filters).toEqual([
      ["io.kubernetes.pod.uid"],
      ["io.kubernetes.pod.uid=u2"],
      ["io.kubernetes.pod.uid=gone"],
    ]);
  });
});
