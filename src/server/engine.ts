// The engine face of `skiff server`: wires the image store, the snapshotter, networking,
// volumes and the container runtime together and serves them as the Docker Engine API.
// Containers are not stopped when the server stops: conmon keeps them, and the next start
// picks them up again (ContainerService.recover).
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { Logger } from "pino";
import { startEngine } from "../engine/server.js";
import { ImageService } from "../images/service.js";
import { NetworkManager } from "../net/manager.js";
import { ContainerService } from "../runtime/containers.js";
import { Runtime } from "../runtime/runtime.js";
import { VolumeStore } from "../runtime/volumes.js";
import { OverlaySnapshotter } from "../snapshots/overlay.js";
import { DataPaths } from "./data-dir.js";
import { SnapshotRootfs } from "../runtime/snapshot-rootfs.js";

export interface EngineConfig {
  /** Unix socket of the Docker Engine API. */
  socketPath: string;
  /** Runtime state that lives as long as the containers (runc state, conmon sockets, netns). */
  execRoot: string;
  bridgeName: string;
  bridgeSubnet: string;
  /** Registries (`host:port`) reached over plain HTTP (Docker's `--insecure-registry`). */
  insecureRegistries?: readonly string[];
}

export class EngineStartError extends Error {}

/** The engine's parts, for the node agent, which runs pods on the same containers service. */
export interface EngineServices {
  images: ImageService;
  containers: ContainerService;
  network: NetworkManager;
  volumes: VolumeStore;
}

export interface EngineStack {
  readonly services: EngineServices;
  /** Stops serving the API; containers keep running. */
  close(timeoutMs: number): Promise<void>;
}

export async function startEngineStack(
  dataDir: string,
  config: EngineConfig,
  logger: Logger,
): Promise<EngineStack> {
  if (process.getuid?.() !== 0) {
    throw new EngineStartError(
      "the engine runs containers with runc and needs root: run `skiff server` as root, or pass --no-engine to run only the registry",
    );
  }
  await mkdir(config.execRoot, { recursive: true, mode: 0o711 });
  await mkdir(dirname(config.socketPath), { recursive: true, mode: 0o711 });

  const images = await ImageService.open({
    root: DataPaths.images(dataDir),
    logger: logger.child({ part: "images" }),
    insecureRegistries: config.insecureRegistries ?? [],
  });
  const snapshots = await OverlaySnapshotter.open({ root: DataPaths.snapshots(dataDir) });
  const network = await NetworkManager.open({
    stateDir: DataPaths.net(dataDir),
    execRoot: config.execRoot,
    bridgeName: config.bridgeName,
    subnet: config.bridgeSubnet,
    logger: logger.child({ part: "net" }),
  });
  const volumes = await VolumeStore.open({ root: DataPaths.volumes(dataDir) });
  const runtime = new Runtime({ execRoot: config.execRoot, logger: logger.child({ part: "runtime" }) });
  const containers = new ContainerService({
    root: DataPaths.containers(dataDir),
    runtime,
    images,
    rootfs: new SnapshotRootfs(images, snapshots),
    network,
    volumes,
    logger: logger.child({ part: "containers" }),
  });
  await containers.recover();
  const engine = await startEngine({
    socketPath: config.socketPath,
    services: { images, containers, volumes, snapshots },
    logger,
  });
  logger.info({ socket: config.socketPath }, "engine listening");
  return {
    services: { images, containers, network, volumes },
    async close(timeoutMs: number) {
      await engine.close(timeoutMs);
      // The containers keep running; only this process stops watching them.
      containers.close();
      await network.close();
      images.close();
    },
  };
}
