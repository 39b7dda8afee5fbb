import { describe, expect, it } from "vitest";
import type { ContainerRecord } from "./container-record.js";
import { filterRecords } from "./container-list.js";
import { inspectView, portMap, portSummaries, summaryView } from "./container-views.js";

const now = Date.parse("2026-01-01T12:00:00Z");
let seq = 0;
function record(over: Partial<ContainerRecord> & { name: string }): ContainerRecord {
  seq += 1;
  return {
    version: 1,
    id: `${seq.toString(16).padStart(2, "0")}${"ab".repeat(31)}`,
    created: new Date(now - (100 - seq) * 1000).toISOString(),
    imageRef: "busybox",
    imageId: "sha256:" + "1".repeat(64),
    platform: "linux/amd64",
    path: "sh",
    args: ["-c", "exit 0"],
    config: { Hostname: "h", Labels: {}, ExposedPorts: { "80/tcp": {} } },
    hostConfig: { NetworkMode: "bridge" },
    ports: [],
    mounts: [],
    state: {
      status: "created",
      pid: 0,
      exitCode: 0,
      oomKilled: false,
      error: "",
      startedAt: "",
      finishedAt: "",
    },
    restartCount: 0,
    manuallyStopped: false,
    ...over,
  };
}

const running = record({
  name: "web",
  config: { Hostname: "h", Labels: { tier: "front" }, ExposedPorts: { "80/tcp": {}, "443/tcp": {} } },
  state: {
    status: "running",
    pid: 42,
    exitCode: 0,
    oomKilled: false,
    error: "",
    startedAt: new Date(now - 5000).toISOString(),
    finishedAt: "",
  },
  network: {
    mode: "bridge",
    ip: "10.88.0.2",
    prefixLen: 16,
    gateway: "10.88.0.1",
    macAddress: "02:42:0a:58:00:02",
    netnsPath: "/run/skiff/netns/x",
    ports: [{ containerPort: 80, protocol: "tcp", hostIp: "", hostPort: 8080 }],
  },
});
const exited = record({
  name: "job",
  imageId: "sha256:" + "2".repeat(64),
  config: { Hostname: "h", Labels: { tier: "back" } },
  state: {
    status: "exited",
    pid: 0,
    exitCode: 3,
    oomKilled: false,
    error: "",
    startedAt: new Date(now - 9000).toISOString(),
    finishedAt: new Date(now - 2000).toISOString(),
  },
  mounts: [
    {
      type: "volume",
      name: "data",
      source: "/v/data/_data",
      destination: "/data",
      rw: true,
      mode: "",
      propagation: "",
    },
  ],
});
const fresh = record({ name: "fresh" });
const all = [running, exited, fresh];
const ctx = {
  imageIds: (ref: string) => (ref === "busybox" ? ["sha256:" + "1".repeat(64)] : []),
  find: (ref: string) => {
    const r = all.find((x) => x.name === ref);
    if (!r) throw new Error("no such");
    return r;
  },
};
const names = (o: Parameters<typeof filterRecords>[1]) => filterRecords(all, o, ctx).map((r) => r.name);

describe("ps selection", () => {
  it("shows running containers, or all newest first", () => {
    expect(names({ all: false, filters: {} })).toEqual(["web"]);
    expect(names({ all: true, filters: {} })).toEqual(["fresh", "job", "web"]);
    expect(names({ all: false, limit: 2, filters: {} })).toEqual(["fresh", "job"]);
  });

  it("applies Docker's filters", () => {
    expect(names({ all: true, filters: { status: ["exited"] } })).toEqual(["job"]);
    expect(names({ all: true, filters: { name: ["^/we"] } })).toEqual(["web"]);
    expect(names({ all: true, filters: { label: ["tier"] } })).toEqual(["job", "web"]);
    expect(names({ all: true, filters: { label: ["tier=back"] } })).toEqual(["job"]);
    expect(names({ all: true, filters: { ancestor: ["busybox"] } })).toEqual(["fresh", "web"]);
    expect(names({ all: true, filters: { exited: ["3"] } })).toEqual(["job"]);
    expect(names({ all: true, filters: { since: ["job"] } })).toEqual(["fresh"]);
    expect(names({ all: true, filters: { before: ["job"] } })).toEqual(["web"]);
    expect(names({ all: true, filters: { volume: ["data"] } })).toEqual(["job"]);
    expect(names({ all: true, filters: { id: [running.id.slice(0, 4)] } })).toEqual(["web"]);
    expect(names({ all: true, filters: { publish: ["8080"] } })).toEqual(["web"]);
    expect(() => names({ all: true, filters: { bogus: ["1"] } })).toThrow("invalid filter 'bogus'");
    expect(() => names({ all: true, filters: { status: ["sleeping"] } })).toThrow(
      "invalid filter 'status=sleeping'",
    );
  });
});

describe("views", () => {
  it("summarises a running container as docker ps shows it", () => {
    const s = summaryView(running, now);
    expect(s).toMatchObject({
      Names: ["/web"],
      Image: "busybox",
      Command: "sh -c exit 0",
      State: "running",
      Status: "Up 5 seconds",
      HostConfig: { NetworkMode: "bridge" },
    });
    expect(s.Ports).toEqual([
      { IP: "0.0.0.0", PrivatePort: 80, PublicPort: 8080, Type: "tcp" },
      { PrivatePort: 443, Type: "tcp" },
    ]);
    expect(s.NetworkSettings.Networks.bridge?.IPAddress).toBe("10.88.0.2");
    expect(summaryView(exited, now).Status).toBe("Exited (3) 2 seconds ago");
  });

  it("inspects with Docker's field shapes", () => {
    const i = inspectView(running, { logPath: "/d/ctr.log", execIds: [] });
    expect(i.Name).toBe("/web");
    expect(i.State).toMatchObject({
      Status: "running",
      Running: true,
      Pid: 42,
      FinishedAt: "0001-01-01T00:00:00Z",
    });
    expect(i.NetworkSettings).toMatchObject({
      IPAddress: "10.88.0.2",
      Gateway: "10.88.0.1",
      IPPrefixLen: 16,
      MacAddress: "02:42:0a:58:00:02",
    });
    expect(i.NetworkSettings.Ports).toEqual({
      "80/tcp": [{ HostIp: "0.0.0.0", HostPort: "8080" }],
      "443/tcp": null,
    });
    expect(i.ExecIDs).toBeNull();
    expect(i.Platform).toBe("linux");
    const e = inspectView(exited, { logPath: "", execIds: [] });
    expect(e.NetworkSettings.IPAddress).toBe("");
    expect(e.NetworkSettings.Ports).toEqual({});
    expect(e.Mounts).toEqual([
      {
        Type: "volume",
        Name: "data",
        Source: "/v/data/_data",
        Destination: "/data",
        Driver: "local",
        Mode: "z",
        RW: true,
        Propagation: "",
      },
    ]);
    expect(portMap(exited)).toEqual({});
    expect(portSummaries(exited)).toEqual([]);
  });
});
