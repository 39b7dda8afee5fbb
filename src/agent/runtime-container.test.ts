import { describe, expect, it } from "vitest";
import type { KubeObject } from "../api/types.js";
import { containerBody, containerName, resources } from "./runtime-container.js";
import type { Sandbox } from "./runtime-sandbox.js";
import type { PodContainer } from "./runtime-types.js";

const sandbox: Sandbox = {
  podIP: "10.1.0.2",
  netnsPath: "/run/skiff/netns/pod-u1",
  files: { hosts: "/d/etc-hosts", hostname: "/d/hostname", resolvConf: "/d/resolv.conf" },
};
const pod = (c: PodContainer, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web", namespace: "prod", uid: "u1" },
  spec: { containers: [c], ...extra },
});
const body = (c: PodContainer, extra: Record<string, unknown> = {}, env = new Map<string, string>()) =>
  containerBody({ pod: pod(c, extra), container: c, attempt: 2, init: false, env, mounts: [], sandbox });

describe("containerBody", () => {
  it("names and labels the container as the kubelet did", () => {
    const b = body({ name: "app", image: "busybox" });
    expect(containerName(pod({ name: "app" }), "app", 2)).toBe("k8s_app_web_prod_u1_2");
    expect(b.Labels).toEqual({
      "io.kubernetes.pod.uid": "u1",
      "io.kubernetes.pod.name": "web",
      "io.kubernetes.pod.namespace": "prod",
      "io.kubernetes.container.name": "app",
      "io.kubernetes.container.attempt": "2",
      "io.kubernetes.container.init": "false",
    });
    expect(b.HostConfig).toMatchObject({
      NetworkMode: "ns:/run/skiff/netns/pod-u1",
      RestartPolicy: { Name: "no" },
    });
    expect(b.Hostname).toBe("web");
  });

  it("resolves command and args over the image's Entrypoint and Cmd as Kubernetes does", () => {
    const env = new Map([["X", "1"]]);
    expect(body({ name: "a" })).not.toHaveProperty("Entrypoint");
    expect(body({ name: "a" })).not.toHaveProperty("Cmd");
    expect(body({ name: "a", command: ["run", "$(X)"] }, {}, env)).toMatchObject({
      Entrypoint: ["run", "1"],
      Cmd: [],
    });
    const argsOnly = body({ name: "a", args: ["--x=$(X)"] }, {}, env);
    expect(argsOnly.Cmd).toEqual(["--x=1"]);
    expect(argsOnly).not.toHaveProperty("Entrypoint");
    expect(body({ name: "a", command: ["run"], args: ["a"] })).toMatchObject({
      Entrypoint: ["run"],
      Cmd: ["a"],
    });
    expect(body({ name: "a", command: [] })).not.toHaveProperty("Entrypoint");
  });

  it("mounts the pod's files unless the container mounts its own, and joins the host for hostNetwork", () => {
    const c: PodContainer = { name: "a" };
    const own = containerBody({
      pod: pod(c),
      container: c,
      attempt: 0,
      init: true,
      env: new Map(),
      mounts: [{ Type: "bind", Source: "/mine", Target: "/etc/hosts" }],
      sandbox,
    });
    expect(own.HostConfig?.Mounts?.map((m) => `${m.Source}:${m.Target}`)).toEqual([
      "/d/hostname:/etc/hostname",
      "/d/resolv.conf:/etc/resolv.conf",
      "/mine:/etc/hosts",
    ]);
    expect(own.Labels?.["io.kubernetes.container.init"]).toBe("true");
    const host = containerBody({
      ...{ pod: pod(c), container: c, attempt: 0, init: false, env: new Map(), mounts: [] },
      sandbox: { ...sandbox, netnsPath: undefined },
    });
    expect(host.HostConfig?.NetworkMode).toBe("host");
  });

  it("sets the user from the container's securityContext over the pod's, tty and stdin", () => {
    expect(
      body({ name: "a", securityContext: { runAsUser: 1000 } }, { securityContext: { runAsGroup: 50 } }).User,
    ).toBe("1000:50");
    expect(body({ name: "a" }, { securityContext: { runAsUser: 7 } }).User).toBe("7");
    expect(body({ name: "a" })).not.toHaveProperty("User");
    expect(body({ name: "a", tty: true, stdin: true, stdinOnce: true })).toMatchObject({
      Tty: true,
      OpenStdin: true,
      StdinOnce: true,
    });
  });
});

describe("resources (the kubelet's cgroup conversions)", () => {
  it("maps limits and requests", () => {
    expect(
      resources({
        name: "a",
        resources: { limits: { memory: "64Mi", cpu: "500m" }, requests: { cpu: "250m" } },
      }),
    ).toEqual({
      Memory: 64 * 2 ** 20,
      CpuPeriod: 100_000,
      CpuQuota: 50_000,
      CpuShares: 256,
    });
    expect(resources({ name: "a", resources: { limits: { cpu: "2" } } })).toEqual({
      CpuPeriod: 100_000,
      CpuQuota: 200_000,
      CpuShares: 2048,
    });
    expect(resources({ name: "a", resources: { limits: { cpu: "1m" } } })).toMatchObject({
      CpuQuota: 1000,
      CpuShares: 2,
    });
    expect(resources({ name: "a" })).toEqual({ CpuShares: 2 });
  });
});
