import { describe, expect, it } from "vitest";
import type { ContainerJSON } from "../runtime/docker-api-types.js";
import { recordOf } from "./runtime-records.js";

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
