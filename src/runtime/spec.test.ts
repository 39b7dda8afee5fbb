import { describe, expect, it } from "vitest";
import { buildSpec, DOCKER_DEFAULT_CAPABILITIES, parseProcLimits, type SpecOptions } from "./spec.js";

const HOST_LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max stack size            8388608              unlimited            bytes
Max processes             96365                96365                processes
Max open files            1024                 20000                files
Max locked memory         8388608              8388608              bytes
`;

function options(extra: Partial<SpecOptions> = {}): SpecOptions {
  return {
    rootfs: "/var/lib/skiff/rootfs",
    args: ["sh", "-c", "echo hi"],
    env: ["PATH=/bin"],
    user: { uid: 0, gid: 0 },
    terminal: false,
    hostRlimits: parseProcLimits(HOST_LIMITS),
    ...extra,
  };
}

describe("parseProcLimits", () => {
  it("reads soft and hard limits, unlimited as Infinity", () => {
    const limits = parseProcLimits(HOST_LIMITS);
    expect(limits).toContainEqual({ type: "RLIMIT_NOFILE", soft: 1024, hard: 20000 });
    expect(limits).toContainEqual({ type: "RLIMIT_CPU", soft: Infinity, hard: Infinity });
    expect(limits).toContainEqual({ type: "RLIMIT_NPROC", soft: 96365, hard: 96365 });
  });
});

describe("buildSpec", () => {
  it("writes Docker's defaults: capabilities, masked paths, mounts, namespaces, devices", () => {
    const spec = buildSpec(options({ hostname: "abc" }));
    expect(spec.ociVersion).toBe("1.0.2");
    expect(spec.process.capabilities?.bounding).toEqual([...DOCKER_DEFAULT_CAPABILITIES]);
    expect(spec.process.noNewPrivileges).toBe(false);
    expect(spec.process.cwd).toBe("/");
    expect(spec.hostname).toBe("abc");
    expect(spec.root).toEqual({ path: "/var/lib/skiff/rootfs", readonly: false });
    expect(spec.linux.maskedPaths).toContain("/proc/kcore");
    expect(spec.linux.readonlyPaths).toContain("/proc/sys");
    expect(spec.mounts.map((m) => m.destination)).toEqual([
      "/proc",
      "/dev",
      "/dev/pts",
      "/sys",
      "/sys/fs/cgroup",
      "/dev/mqueue",
      "/dev/shm",
    ]);
    expect(spec.mounts.find((m) => m.destination === "/dev/shm")?.options).toContain("size=67108864");
    expect(spec.linux.namespaces.map((n) => n.type)).toEqual(["pid", "ipc", "uts", "mount"]);
    expect(spec.linux.resources?.devices).toEqual([{ allow: false, access: "rwm" }]);
    expect(spec.linux.seccomp?.defaultAction).toBe("SCMP_ACT_ALLOW");
  });

  it("applies the Docker-like seccomp denylist, lifting what held capabilities allow", () => {
    const denied = (o: Partial<SpecOptions>): string[] =>
      buildSpec(options(o)).linux.seccomp?.syscalls?.[0]?.names ?? [];
    expect(denied({})).toEqual(expect.arrayContaining(["mount", "keyctl", "reboot", "bpf", "kexec_load"]));
    expect(denied({ capAdd: ["SYS_ADMIN"] })).not.toContain("mount");
    expect(denied({ capAdd: ["SYS_ADMIN"] })).toContain("keyctl");
    expect(buildSpec(options({ seccomp: "unconfined" })).linux.seccomp).toBeUndefined();
    expect(buildSpec(options({ privileged: true })).linux.seccomp).toBeUndefined();
  });

  it("sets RLIMIT_NOFILE to the host's hard limit and caps ulimits at the host's", () => {
    const spec = buildSpec(
      options({
        ulimits: [
          { type: "RLIMIT_NOFILE", soft: 1048576, hard: 1048576 },
          { type: "RLIMIT_NPROC", soft: 100, hard: 200 },
          { type: "RLIMIT_CORE", soft: -1, hard: -1 },
        ],
      }),
    );
    expect(spec.process.rlimits).toEqual([
      { type: "RLIMIT_NOFILE", soft: 20000, hard: 20000 },
      { type: "RLIMIT_NPROC", soft: 100, hard: 200 },
    ]);
  });

  it("joins a network namespace by path, makes an empty one, or shares the host's", () => {
    const joined = buildSpec(options({ netnsPath: "/run/skiff/netns/x" }));
    expect(joined.linux.namespaces).toContainEqual({ type: "network", path: "/run/skiff/netns/x" });
    expect(joined.mounts.find((m) => m.destination === "/sys")?.type).toBe("sysfs");
    const none = buildSpec(options({ isolatedNetwork: true }));
    expect(none.linux.namespaces).toContainEqual({ type: "network" });
    expect(joined.linux.sysctl).toEqual({
      "net.ipv4.ip_unprivileged_port_start": "0",
      "net.ipv4.ping_group_range": "0 2147483647",
    });
    const custom = buildSpec(
      options({ isolatedNetwork: true, sysctls: { "net.ipv4.ip_unprivileged_port_start": "80" } }),
    );
    expect(custom.linux.sysctl?.["net.ipv4.ip_unprivileged_port_start"]).toBe("80");
    const host = buildSpec(options());
    expect(host.linux.sysctl).toBeUndefined();
    expect(host.linux.namespaces.some((n) => n.type === "network")).toBe(false);
    expect(host.mounts.find((m) => m.destination === "/sys")).toMatchObject({ type: "bind", source: "/sys" });
  });

  it("translates memory (swap = memory), CPUs, pids and the cgroup path", () => {
    const spec = buildSpec(
      options({ memoryBytes: 32 << 20, nanoCpus: 1_500_000_000, pidsLimit: 64, cgroupsPath: "/skiff/abc" }),
    );
    expect(spec.linux.resources?.memory).toEqual({ limit: 32 << 20, swap: 32 << 20 });
    expect(spec.linux.resources?.cpu).toEqual({ period: 100000, quota: 150000 });
    expect(spec.linux.resources?.pids).toEqual({ limit: 64 });
    expect(spec.linux.cgroupsPath).toBe("/skiff/abc");
    const unlimitedSwap = buildSpec(options({ memoryBytes: 1 << 30, memorySwapBytes: -1 }));
    expect(unlimitedSwap.linux.resources?.memory).toEqual({ limit: 1 << 30, swap: -1 });
  });

  it("adds bind mounts read-only or read-write and tmpfs mounts after the defaults", () => {
    const spec = buildSpec(
      options({
        mounts: [
          { source: "/data/vol/_data", destination: "/data", readonly: false },
          { source: "/c/hosts", destination: "/etc/hosts", readonly: true },
        ],
        tmpfs: [{ destination: "/run", options: ["size=1m"] }],
        readonlyRootfs: true,
      }),
    );
    expect(spec.mounts.slice(-3)).toEqual([
      { destination: "/run", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "size=1m"] },
      { destination: "/data", type: "bind", source: "/data/vol/_data", options: ["rbind", "rprivate", "rw"] },
      { destination: "/etc/hosts", type: "bind", source: "/c/hosts", options: ["rbind", "rprivate", "ro"] },
    ]);
    expect(spec.root.readonly).toBe(true);
  });

  it("adds and drops capabilities like --cap-add/--cap-drop; privileged gets all and no masks", () => {
    const caps = buildSpec(options({ capAdd: ["NET_ADMIN"], capDrop: ["chown", "CAP_KILL"] })).process
      .capabilities;
    expect(caps?.effective).toContain("CAP_NET_ADMIN");
    expect(caps?.effective).not.toContain("CAP_CHOWN");
    expect(caps?.effective).not.toContain("CAP_KILL");
    const onlyAdded = buildSpec(options({ capAdd: ["SYS_TIME"], capDrop: ["ALL"] })).process.capabilities;
    expect(onlyAdded?.bounding).toEqual(["CAP_SYS_TIME"]);
    const privileged = buildSpec(options({ privileged: true }));
    expect(privileged.process.capabilities?.bounding).toContain("CAP_SYS_ADMIN");
    expect(privileged.linux.maskedPaths).toBeUndefined();
    expect(privileged.linux.resources?.devices).toEqual([{ allow: true, access: "rwm" }]);
  });

  it("sets the console size only for a terminal", () => {
    expect(
      buildSpec(options({ terminal: true, consoleSize: { height: 24, width: 80 } })).process.consoleSize,
    ).toEqual({
      height: 24,
      width: 80,
    });
    expect(
      buildSpec(options({ consoleSize: { height: 24, width: 80 } })).process.consoleSize,
    ).toBeUndefined();
  });
});
