import { describe, expect, it } from "vitest";
import type { ContainerImage } from "./container-deps.js";
import { mergeEnv, planCreate, portBindings, resolveCommand } from "./create-options.js";
import type { ContainerCreateBody } from "./docker-api-types.js";

const image: ContainerImage = {
  id: "sha256:" + "a".repeat(64),
  repoTags: ["app:latest"],
  config: {
    architecture: "amd64",
    os: "linux",
    config: {
      Env: ["PATH=/usr/bin:/bin", "MODE=image"],
      Cmd: ["serve", "--port", "80"],
      Entrypoint: ["/app"],
      WorkingDir: "/srv",
      User: "app",
      ExposedPorts: { "80/tcp": {} },
      Volumes: { "/data": {} },
      Labels: { from: "image", both: "image" },
      StopSignal: "SIGQUIT",
    },
  },
};
const id = "0123456789abcdef".repeat(4);
const opts = {
  id,
  hostPlatform: "linux/amd64/v3",
  hostCpus: 2,
  hostHostname: "host1",
  platformRequested: false,
};
const plan = (body: Partial<ContainerCreateBody>, img: ContainerImage = image) =>
  planCreate({ Image: "app", ...body }, img, opts);

describe("planCreate: defaults from the image", () => {
  it("inherits command, env, workdir, user, ports, volumes, labels, stop signal", () => {
    const p = plan({});
    expect(p.path).toBe("/app");
    expect(p.args).toEqual(["serve", "--port", "80"]);
    expect(p.config.Env).toEqual(["PATH=/usr/bin:/bin", "MODE=image"]);
    expect(p.config.WorkingDir).toBe("/srv");
    expect(p.config.User).toBe("app");
    expect(p.config.ExposedPorts).toEqual({ "80/tcp": {} });
    expect(p.config.Labels).toEqual({ from: "image", both: "image" });
    expect(p.config.StopSignal).toBe("SIGQUIT");
    expect(p.config.Hostname).toBe(id.slice(0, 12));
    expect(p.networkMode).toBe("bridge");
    expect(p.hostConfig.NetworkMode).toBe("bridge");
    expect(p.hostConfig.RestartPolicy).toEqual({ Name: "no", MaximumRetryCount: 0 });
    expect(p.mounts).toEqual([{ type: "volume", name: undefined, destination: "/data", rw: true, mode: "" }]);
    expect(p.warnings).toEqual([]);
  });

  it("lets the request override and extend them", () => {
    const p = plan({
      Env: ["MODE=user", "EXTRA=1"],
      WorkingDir: "/tmp",
      User: "0",
      Labels: { both: "user" },
      Hostname: "box",
      ExposedPorts: { "53/udp": {} },
    });
    expect(p.config.Env).toEqual(["MODE=user", "EXTRA=1", "PATH=/usr/bin:/bin"]);
    expect(p.config.WorkingDir).toBe("/tmp");
    expect(p.config.User).toBe("0");
    expect(p.config.Labels).toEqual({ from: "image", both: "user" });
    expect(p.config.Hostname).toBe("box");
    expect(Object.keys(p.config.ExposedPorts ?? {}).sort()).toEqual(["53/udp", "80/tcp"]);
  });

  it("uses the host's hostname with host networking", () => {
    expect(plan({ HostConfig: { NetworkMode: "host" } }).config.Hostname).toBe("host1");
  });
});

describe("Cmd and Entrypoint (Docker's rules)", () => {
  it("keeps the image's Cmd only while no Entrypoint is given", () => {
    expect(resolveCommand({ Cmd: ["ls"] }, { Cmd: ["sh"], Entrypoint: ["/e"] })).toEqual({
      entrypoint: ["/e"],
      cmd: ["ls"],
    });
    expect(resolveCommand({ Entrypoint: ["/x"] }, { Cmd: ["sh"], Entrypoint: ["/e"] })).toEqual({
      entrypoint: ["/x"],
      cmd: null,
    });
    expect(resolveCommand({ Entrypoint: ["/x"], Cmd: ["a"] }, { Cmd: ["sh"] })).toEqual({
      entrypoint: ["/x"],
      cmd: ["a"],
    });
    expect(resolveCommand({}, { Cmd: ["sh"] })).toEqual({ entrypoint: null, cmd: ["sh"] });
    // --entrypoint "" clears the image's entrypoint
    expect(resolveCommand({ Entrypoint: [], Cmd: ["ls"] }, { Entrypoint: ["/e"], Cmd: ["x"] })).toEqual({
      entrypoint: null,
      cmd: ["ls"],
    });
    expect(resolveCommand({ Entrypoint: [] }, { Entrypoint: ["/e"], Cmd: ["x"] })).toEqual({
      entrypoint: null,
      cmd: ["x"],
    });
  });

  it("refuses a container with no command", () => {
    const bare: ContainerImage = { ...image, config: { os: "linux", architecture: "amd64", config: {} } };
    expect(() => plan({}, bare)).toThrow("No command specified");
    expect(plan({ Cmd: ["true"] }, bare).path).toBe("true");
  });
});

describe("planCreate: validation", () => {
  it("rejects bad restart policies, AutoRemove with a restart policy, unknown networks", () => {
    expect(() => plan({ HostConfig: { RestartPolicy: { Name: "sometimes" } } })).toThrow(
      /unknown policy 'sometimes'/,
    );
    expect(() => plan({ HostConfig: { AutoRemove: true, RestartPolicy: { Name: "always" } } })).toThrow(
      "can't create 'AutoRemove' container with restart policy",
    );
    let status = 0;
    try {
      plan({ HostConfig: { NetworkMode: "mynet" } });
    } catch (err) {
      status = (err as { statusCode: number }).statusCode;
      expect((err as Error).message).toBe("network mynet not found");
    }
    expect(status).toBe(404);
  });

  it("checks resources like Docker", () => {
    expect(() => plan({ HostConfig: { Memory: 1024 } })).toThrow("Minimum memory limit allowed is 6MB");
    expect(() => plan({ HostConfig: { NanoCpus: 1e9, CpuQuota: 50000 } })).toThrow(
      /Nano CPUs and CPU Period/,
    );
    expect(() => plan({ HostConfig: { NanoCpus: 3e9 } })).toThrow(
      "Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available",
    );
    expect(plan({ HostConfig: { Memory: 16 * 1024 * 1024 } }).hostConfig.MemorySwap).toBe(32 * 1024 * 1024);
  });

  it("rejects an unknown stop signal", () => {
    expect(() => plan({ StopSignal: "SIGNOPE" })).toThrow("Invalid signal: SIGNOPE");
    expect(plan({ StopSignal: "TERM" }).config.StopSignal).toBe("TERM");
  });

  it("warns when the image is for another platform", () => {
    const arm: ContainerImage = { ...image, config: { ...image.config, architecture: "arm64" } };
    expect(plan({}, arm).warnings).toEqual([
      "The requested image's platform (linux/arm64) does not match the detected host platform (linux/amd64/v3) and no specific platform was requested",
    ]);
    expect(planCreate({ Image: "app" }, arm, { ...opts, platformRequested: true }).warnings).toEqual([]);
  });
});

describe("ports", () => {
  it("parses PortBindings and publishes every exposed port with PublishAllPorts", () => {
    expect(
      portBindings(
        { "80/tcp": [{ HostIp: "", HostPort: "8080" }], "53/udp": [{ HostIp: "127.0.0.1", HostPort: "" }] },
        [],
        false,
      ),
    ).toEqual([
      { containerPort: 80, protocol: "tcp", hostIp: "", hostPort: 8080 },
      { containerPort: 53, protocol: "udp", hostIp: "127.0.0.1", hostPort: 0 },
    ]);
    expect(portBindings({}, ["80/tcp", "443/tcp"], true)).toEqual([
      { containerPort: 80, protocol: "tcp", hostIp: "", hostPort: 0 },
      { containerPort: 443, protocol: "tcp", hostIp: "", hostPort: 0 },
    ]);
    expect(() => portBindings({ "abc/tcp": [] }, [], false)).toThrow("invalid containerPort: abc");
  });

  it("adds published ports to ExposedPorts and drops them with host networking", () => {
    const p = plan({ HostConfig: { PortBindings: { "8000/tcp": [{ HostIp: "", HostPort: "9000" }] } } });
    expect(Object.keys(p.config.ExposedPorts ?? {}).sort()).toEqual(["80/tcp", "8000/tcp"]);
    const host = plan({
      HostConfig: { NetworkMode: "host", PortBindings: { "8000/tcp": [{ HostIp: "", HostPort: "9000" }] } },
    });
    expect(host.ports).toEqual([]);
    expect(host.warnings).toEqual(["Published ports are discarded when using host network mode"]);
  });
});

describe("mergeEnv", () => {
  it("puts the request's variables first and keeps the image's others", () => {
    expect(mergeEnv(["A=1", "B=2"], ["B=3", "C"])).toEqual(["B=3", "C", "A=1"]);
    expect(mergeEnv(["A=1"], [])).toEqual(["A=1"]);
  });
});

describe("planCreate: ns:PATH joins a namespace someone else made", () => {
  it("keeps the path, publishes no ports", () => {
    const p = plan({
      HostConfig: {
        NetworkMode: "ns:/run/netns/pod1",
        PortBindings: { "80/tcp": [{ HostIp: "", HostPort: "8080" }] },
      },
    });
    expect(p.networkMode).toBe("ns:/run/netns/pod1");
    expect(p.hostConfig.NetworkMode).toBe("ns:/run/netns/pod1");
    expect(p.ports).toEqual([]);
  });
  it("refuses a relative or unclean path", () => {
    expect(() => plan({ HostConfig: { NetworkMode: "ns:run/netns/x" } })).toThrow(/absolute/);
    expect(() => plan({ HostConfig: { NetworkMode: "ns:/run/../etc" } })).toThrow(/absolute/);
  });
});
