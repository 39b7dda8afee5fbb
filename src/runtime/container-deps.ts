// What ContainerService needs from its neighbours, as small role interfaces (docs/engine.md):
// the image store, a root filesystem per container (snapshots/), networking (net/) and
// volumes. The real modules satisfy them structurally; tests may pass their own.
import type { Readable } from "node:stream";

/** The part of an image's config a container inherits (OCI/Docker image config `config`). */
export interface ImageRuntimeConfig {
  User?: string;
  ExposedPorts?: Record<string, unknown> | null;
  Env?: string[] | null;
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, unknown> | null;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  ArgsEscaped?: boolean;
  Shell?: string[] | null;
}

/** The fields of images/ `Image` that containers read. */
export interface ContainerImage {
  id: string; // config digest "sha256:…"
  repoTags: string[];
  config: { architecture?: string; os?: string; variant?: string; config?: ImageRuntimeConfig };
}

export interface ImageLookup<I extends ContainerImage = ContainerImage> {
  /** name[:tag] | name@digest | full or short id; throws a 404 error (`No such image: REF`). */
  get(refOrId: string): I;
}

/** One writable root filesystem per container, keyed by the container ID (snapshots/). */
export interface RootfsProvider<I extends ContainerImage = ContainerImage> {
  create(id: string, image: I): Promise<void>;
  mount(id: string): Promise<string>; // idempotent; the merged path
  unmount(id: string): Promise<void>;
  remove(id: string): Promise<void>;
  diff(id: string): Readable;
  export(id: string): Readable;
}

export interface PortBinding {
  containerPort: number;
  protocol: "tcp" | "udp";
  hostIp: string; // "" = all addresses
  hostPort: number; // 0 = pick one
}

export type NetworkMode = "bridge" | "host" | "none";

/**
 * HostConfig.NetworkMode `ns:PATH` (podman's spelling): the container joins the network
 * namespace bound at PATH, which someone else made and owns (a pod's sandbox); the container
 * service neither attaches nor detaches it. Docker API clients may ask for it too: they can
 * already bind-mount the host's / or run privileged, so a path gives them nothing new.
 */
export type JoinedNetworkMode = `ns:${string}`;

/** The namespace path of an `ns:PATH` network mode; undefined for any other mode. */
export function joinedNetns(mode: string | undefined): string | undefined {
  return mode !== undefined && mode.startsWith("ns:") ? mode.slice(3) : undefined;
}

export interface NetworkAttachment {
  mode: NetworkMode;
  netnsPath?: string;
  ip?: string;
  prefixLen?: number;
  gateway?: string;
  macAddress?: string;
  ports: PortBinding[]; // host ports as actually bound
}

export interface ContainerFiles {
  hosts: string;
  hostname: string;
  resolvConf: string;
}

/** net/ NetworkManager's part that containers use. */
export interface NetworkProvider {
  /**
   * All or nothing; `endpointName` (the container's name) words port errors as Docker does.
   * `onNamespace` hears the namespace path as soon as it exists, before ADD has finished.
   */
  attach(
    containerId: string,
    o: {
      mode: NetworkMode;
      ports: PortBinding[];
      endpointName?: string;
      onNamespace?: (netnsPath: string) => void;
    },
  ): Promise<NetworkAttachment>;
  detach(containerId: string): Promise<void>;
  restore(containerId: string, a: NetworkAttachment): Promise<void>;
  writeContainerFiles(
    dir: string,
    o: { hostname: string; domainname?: string; attachment: NetworkAttachment },
  ): Promise<ContainerFiles>;
  /** Work in flight (a start) that the provider's background work should not slow down. */
  busy?(work: Promise<unknown>): void;
  /** The hosts file again, in place, once the address is known (before the process starts). */
  rewriteHosts?(
    path: string,
    o: { hostname: string; domainname?: string; attachment: NetworkAttachment },
  ): Promise<void>;
}

/** Docker's Volume JSON, the fields containers read. */
export interface VolumeInfo {
  Name: string;
  Mountpoint: string;
  Driver?: string;
}

/** runtime/volumes VolumeStore's part that containers use. */
export interface VolumeProvider {
  create(o: {
    name?: string;
    labels?: Record<string, string>;
    driverOpts?: Record<string, string>;
  }): Promise<VolumeInfo>;
  get(name: string): VolumeInfo;
  remove(name: string, o: { force: boolean; inUseBy: string[] }): Promise<void>;
}
