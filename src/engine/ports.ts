// The narrow interfaces the engine calls: Pick<> of the services' contracts (docs/engine.md),
// so the composition root passes the real ImageService, ContainerService and VolumeStore,
// and the handlers' tests pass small fakes (src/engine/testing) of the same shapes.
import type { ImageService } from "../images/service.js";
import type { ContainerService } from "../runtime/containers.js";
import type { VolumeStore } from "../runtime/volumes.js";

export type {
  Image,
  ImageConfig,
  ProgressMessage,
  ProgressSink,
  RegistryCredentials,
} from "../images/service.js";
export type { AttachStream, StdStream } from "../runtime/attach.js";
export type {
  ContainerCreateBody,
  ContainerJSON,
  ContainerSummary,
  ContainerTopResponse,
  ExecConfig,
  ExecInspect,
  WaitCondition,
  WaitResponse,
} from "../runtime/docker-api-types.js";
export type { LogEntry } from "../runtime/logs.js";
export type { DockerVolume } from "../runtime/volumes.js";
import type { Image } from "../images/service.js";

export type EngineImages = Pick<
  ImageService,
  | "get"
  | "list"
  | "pull"
  | "push"
  | "login"
  | "tag"
  | "remove"
  | "history"
  | "save"
  | "load"
  | "importRootfs"
  | "commit"
>;

export type EngineContainers = Pick<
  ContainerService<Image>,
  | "create"
  | "start"
  | "stop"
  | "kill"
  | "pause"
  | "unpause"
  | "restart"
  | "remove"
  | "rename"
  | "wait"
  | "inspect"
  | "list"
  | "logs"
  | "attach"
  | "resize"
  | "execCreate"
  | "execStart"
  | "execInspect"
  | "execResize"
  | "top"
  | "stats"
  | "export"
  | "changesForCommit"
  | "usedImages"
  | "usedVolumes"
>;

export type EngineVolumes = Pick<VolumeStore, "create" | "get" | "list" | "remove" | "prune">;

/** Docker's `filters` query parameter, normalized. */
export type Filters = Record<string, string[]>;

/** What the engine serves. */
export interface EngineServices {
  images: EngineImages;
  containers: EngineContainers;
  volumes: EngineVolumes;
  /** Unused by the engine today (the composition root passes it along). */
  snapshots?: unknown;
}
