// System endpoints: /_ping (the CLI's version negotiation), /version, /info (enough for
// `docker info`), /events and /system/df.
import { existsSync, readFileSync } from "node:fs";
import { arch, cpus, release, totalmem } from "node:os";
import type { EngineServices } from "./ports.js";
import { filtersParam } from "./params.js";
import { sendJson, startStream } from "./reply.js";
import { API_VERSION, MIN_API_VERSION, route, type Exchange, type Route } from "./route.js";

/** What the engine says about itself. */
export interface EngineIdentity {
  /** Reported as the Engine version (`docker version`). */
  version: string;
  gitCommit: string;
  /** The data directory, reported as DockerRootDir. */
  rootDir: string;
  /** Name of the host, reported as Name. */
  name: string;
}

/** Go's GOARCH names for Node's. */
export function goArch(nodeArch: string = arch()): string {
  const map: Record<string, string> = {
    x64: "amd64",
    arm64: "arm64",
    arm: "arm",
    ia32: "386",
    s390x: "s390x",
    ppc64: "ppc64le",
  };
  return map[nodeArch] ?? nodeArch;
}

function operatingSystem(): string {
  try {
    const text = readFileSync("/etc/os-release", "utf8");
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text);
    return pretty?.[1] ?? "Linux";
  } catch {
    return "Linux";
  }
}

function cgroupVersion(): "1" | "2" {
  return existsSync("/sys/fs/cgroup/cgroup.controllers") ? "2" : "1";
}

function ping(exchange: Exchange): Promise<void> {
  const res = exchange.response;
  if (res === undefined) return Promise.resolve();
  res.writeHead(200, {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": 2,
    "Cache-Control": "no-cache, no-store, must-revalidate",
    Pragma: "no-cache",
    // "1": the classic builder (POST /build); BuildKit's /session is not served.
    "Builder-Version": "1",
  });
  res.end("OK");
  return Promise.resolve();
}

export function systemRoutes(services: EngineServices, identity: EngineIdentity): Route[] {
  const version = () => ({
    Platform: { Name: "Skiff Engine" },
    Components: [
      {
        Name: "Engine",
        Version: identity.version,
        Details: {
          ApiVersion: API_VERSION,
          Arch: goArch(),
          BuildTime: "",
          Experimental: "false",
          GitCommit: identity.gitCommit,
          GoVersion: `node${process.versions.node}`,
          KernelVersion: release(),
          MinAPIVersion: MIN_API_VERSION,
          Os: "linux",
        },
      },
    ],
    Version: identity.version,
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    GitCommit: identity.gitCommit,
    GoVersion: `node${process.versions.node}`,
    Os: "linux",
    Arch: goArch(),
    KernelVersion: release(),
    BuildTime: "",
  });

  const info = () => {
    const all = services.containers.list({ all: true, filters: {} });
    const count = (state: string) => all.filter((c) => c.State === state).length;
    const cgroup = cgroupVersion();
    return {
      ID: "",
      Containers: all.length,
      ContainersRunning: count("running"),
      ContainersPaused: count("paused"),
      ContainersStopped: all.length - count("running") - count("paused"),
      Images: services.images.list().length,
      Driver: "overlay2",
      DriverStatus: [["Backing Filesystem", "extfs"]],
      Plugins: {
        Volume: ["local"],
        Network: ["bridge", "host", "null"],
        Authorization: null,
        Log: ["k8s-file"],
      },
      MemoryLimit: true,
      SwapLimit: false,
      CpuCfsPeriod: true,
      CpuCfsQuota: true,
      CPUShares: true,
      CPUSet: true,
      PidsLimit: true,
      IPv4Forwarding: true,
      Debug: false,
      NFd: 0,
      OomKillDisable: cgroup === "1",
      NGoroutines: 0,
      SystemTime: new Date().toISOString(),
      LoggingDriver: "k8s-file",
      CgroupDriver: "cgroupfs",
      CgroupVersion: cgroup,
      NEventsListener: 0,
      KernelVersion: release(),
      OperatingSystem: operatingSystem(),
      OSVersion: "",
      OSType: "linux",
      Architecture: arch() === "x64" ? "x86_64" : arch(),
      IndexServerAddress: "https://index.docker.io/v1/",
      RegistryConfig: {
        InsecureRegistryCIDRs: ["127.0.0.0/8", "::1/128"],
        IndexConfigs: {},
        Mirrors: [],
      },
      NCPU: cpus().length,
      MemTotal: totalmem(),
      GenericResources: null,
      DockerRootDir: identity.rootDir,
      HttpProxy: "",
      HttpsProxy: "",
      NoProxy: "",
      Name: identity.name,
      Labels: [],
      ExperimentalBuild: false,
      ServerVersion: identity.version,
      Runtimes: { runc: { path: "runc" } },
      DefaultRuntime: "runc",
      Swarm: {
        NodeID: "",
        NodeAddr: "",
        LocalNodeState: "inactive",
        ControlAvailable: false,
        Error: "",
        RemoteManagers: null,
      },
      LiveRestoreEnabled: true,
      Isolation: "",
      InitBinary: "",
      ContainerdCommit: { ID: "" },
      RuncCommit: { ID: "" },
      InitCommit: { ID: "" },
      SecurityOptions: ["name=seccomp,profile=builtin"],
      Warnings: [],
    };
  };

  return [
    route("ping", ["GET", "HEAD"], /^\/_ping$/, ping),
    route("version", "GET", /^\/version$/, (ex) => Promise.resolve(sendJson(ex, 200, version()))),
    route("info", "GET", /^\/info$/, (ex) => Promise.resolve(sendJson(ex, 200, info()))),
    route("events", "GET", /^\/events$/, events),
    route("system.df", "GET", /^\/system\/df$/, (ex) =>
      Promise.resolve(sendJson(ex, 200, diskUsage(services))),
    ),
  ];
}

/**
 * GET /events: the services emit no events yet, so this is a stream that stays open and
 * silent until `until` passes, the client leaves or the server stops.
 */
async function events(exchange: Exchange): Promise<void> {
  filtersParam(exchange.query);
  const until = Number(exchange.query.get("until") ?? "");
  const res = startStream(exchange, "application/json");
  await new Promise<void>((resolve) => {
    const timer =
      Number.isFinite(until) && until > 0
        ? setTimeout(resolve, Math.max(0, until * 1000 - Date.now()))
        : undefined;
    exchange.signal.addEventListener(
      "abort",
      () => {
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
  res.end();
}

function diskUsage(services: EngineServices) {
  const images = services.images.list();
  const usedImages = services.containers.usedImages();
  const usedVolumes = services.containers.usedVolumes();
  return {
    LayersSize: images.reduce((sum, i) => sum + i.size, 0),
    Images: images.map((i) => ({
      Id: i.id,
      ParentId: "",
      RepoTags: i.repoTags,
      RepoDigests: i.repoDigests,
      Created: Math.floor(Date.parse(i.config.created ?? "") / 1000) || 0,
      Size: i.size,
      SharedSize: -1,
      Labels: i.config.config?.Labels ?? {},
      Containers: usedImages.get(i.id)?.length ?? 0,
    })),
    Containers: services.containers.list({ all: true, filters: {} }),
    Volumes: services.volumes.list().map((v) => ({
      ...v,
      UsageData: { Size: -1, RefCount: usedVolumes.get(v.Name)?.length ?? 0 },
    })),
    BuildCache: [],
  };
}
