// The narrow interfaces the engine calls, cut from the contracts in docs/engine.md. The real
// ImageService, ContainerService and VolumeStore satisfy them structurally; the handlers'
// unit tests use small fakes. Docker's container JSON types are the runtime's own
// (src/runtime/docker-api-types.ts); image and volume shapes are spelled out here as far as
// the engine reads them.
import type { Readable, Writable } from "node:stream";
import type {
  ContainerCreateBody,
  ContainerJSON,
  ContainerSummary,
  ContainerTopResponse,
  ExecConfig,
  ExecInspect,
  WaitCondition,
  WaitResponse,
} from "../runtime/docker-api-types.js";
import type { LogEntry } from "../runtime/logs-format.js";

export type {
  ContainerCreateBody,
  ContainerJSON,
  ContainerSummary,
  ContainerTopResponse,
  ExecConfig,
  ExecInspect,
  LogEntry,
  WaitCondition,
  WaitResponse,
};

export type Digest = `sha256:${string}` | string;

// ---- progress (src/images/progress.ts) ----

/** One of Docker's JSON progress messages, streamed one per line. */
export interface ProgressMessage {
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  stream?: string;
  aux?: unknown;
  errorDetail?: { message: string };
  error?: string;
}
export type ProgressSink = (message: ProgressMessage) => void;

// ---- images ----

export interface RegistryCredentials {
  username?: string;
  password?: string;
  identityToken?: string;
}

export interface ImageLayer {
  digest: Digest;
  mediaType: string;
  size: number;
  diffId: Digest;
}

/** The OCI/Docker image config as far as the engine shows it. */
export interface ImageConfigDoc {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  author?: string;
  comment?: string;
  config?: { Labels?: Record<string, string> | null } & Record<string, unknown>;
  rootfs?: { type?: string; diff_ids?: string[] };
  history?: unknown[];
}

export interface Image {
  id: Digest;
  manifestDigest: Digest;
  repoTags: string[];
  repoDigests: string[];
  config: ImageConfigDoc;
  layers: ImageLayer[];
  size: number;
}

export interface EngineImages {
  get(refOrId: string): Image;
  list(): Image[];
  pull(
    ref: string,
    o: {
      platform?: string;
      credentials?: RegistryCredentials;
      onProgress: ProgressSink;
      signal?: AbortSignal;
    },
  ): Promise<Image>;
  push(
    ref: string,
    o: { credentials?: RegistryCredentials; onProgress: ProgressSink; signal?: AbortSignal },
  ): Promise<{ digest: Digest; size: number; tag: string }>;
  login(serverAddress: string, c: RegistryCredentials): Promise<{ identityToken?: string }>;
  tag(source: string, target: string): void;
  remove(
    ref: string,
    o: { force: boolean; noPrune: boolean; usedBy(imageId: Digest): string[] },
  ): Promise<Array<{ Untagged?: string; Deleted?: string }>>;
  history(ref: string): unknown[];
  save(refs: string[], out: Writable): Promise<void>;
  load(archive: Readable, onProgress: ProgressSink): Promise<string[]>;
  importRootfs(
    tar: Readable,
    o: { ref?: string; changes: string[]; message?: string; platform?: string },
  ): Promise<Image>;
  commit(o: {
    parent?: Image;
    diff: Readable;
    containerConfig: Record<string, unknown>;
    changes: string[];
    ref?: string;
    author?: string;
    comment?: string;
  }): Promise<Image>;
}

// ---- containers ----

export type StdStream = "stdout" | "stderr";

/** A live connection to a container's (or an exec's) stdio; "close" is emitted once. */
export interface AttachStream {
  on(event: "data", listener: (stream: StdStream, data: Buffer) => void): unknown;
  on(event: "close", listener: () => void): unknown;
  write(data: Buffer): void;
  /** The process sees EOF on stdin; output keeps flowing. */
  closeStdin(): void;
  /** Disconnects; the process keeps running. Safe to call twice. */
  close(): void;
}

export type Filters = Record<string, string[]>;

export interface EngineContainers {
  create(
    body: ContainerCreateBody,
    o: { name?: string; platform?: string },
  ): Promise<{ Id: string; Warnings: string[] }>;
  start(ref: string): Promise<void>;
  stop(ref: string, o: { signal?: string; timeout?: number }): Promise<void>;
  kill(ref: string, signal?: string): Promise<void>;
  restart(ref: string, o: { timeout?: number; signal?: string }): Promise<void>;
  remove(ref: string, o: { force: boolean; volumes: boolean }): Promise<void>;
  rename(ref: string, name: string): Promise<void>;
  /**
   * Resolves when the condition is met. The waiter must be registered before the returned
   * promise's first await, so a start that follows the call is never missed.
   */
  wait(ref: string, condition: WaitCondition, signal?: AbortSignal): Promise<WaitResponse>;
  inspect(ref: string): ContainerJSON;
  list(o: { all: boolean; limit?: number; filters: Filters; size: boolean }): ContainerSummary[];
  logs(
    ref: string,
    o: {
      follow: boolean;
      stdout: boolean;
      stderr: boolean;
      tail?: number;
      since?: number;
      until?: number;
      signal?: AbortSignal;
    },
  ): AsyncIterable<LogEntry>;
  attach(
    ref: string,
    o: { stdin: boolean; stdout: boolean; stderr: boolean; stream: boolean; logs: boolean },
  ): Promise<AttachStream>;
  resize(ref: string, size: { height: number; width: number }): Promise<void>;
  execCreate(ref: string, config: ExecConfig): string;
  execStart(
    id: string,
    o: { detach: boolean; tty: boolean; consoleSize?: { height: number; width: number } },
  ): Promise<AttachStream | undefined>;
  execInspect(id: string): ExecInspect;
  execResize(id: string, size: { height: number; width: number }): Promise<void>;
  top(ref: string, psArgs?: string): Promise<ContainerTopResponse>;
  stats(ref: string, o: { stream: boolean; signal?: AbortSignal }): AsyncIterable<unknown>;
  export(ref: string): Readable;
  changesForCommit(ref: string): { image: Image; diff: Readable; config: Record<string, unknown> };
  usedImages(): Map<Digest, string[]>;
  usedVolumes(): Map<string, string[]>;
}

// ---- volumes ----

export interface DockerVolume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt?: string;
  Labels: Record<string, string> | null;
  Scope: string;
  Options: Record<string, string> | null;
}

export interface EngineVolumes {
  create(o: {
    name?: string;
    labels?: Record<string, string>;
    driverOpts?: Record<string, string>;
  }): Promise<DockerVolume>;
  get(name: string): DockerVolume;
  list(): DockerVolume[];
  remove(name: string, o: { force: boolean; inUseBy: string[] }): Promise<void>;
  prune(
    inUse: Set<string>,
    o: { all: boolean },
  ): Promise<{ VolumesDeleted: string[]; SpaceReclaimed: number }>;
}

/** What the engine serves. */
export interface EngineServices {
  images: EngineImages;
  containers: EngineContainers;
  volumes: EngineVolumes;
  /** Unused by the engine today (the composition root passes it for `system df`). */
  snapshots?: unknown;
}
