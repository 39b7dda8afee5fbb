// PodRuntime on the engine: a pod is a network namespace made by net/'s NetworkManager (the
// sandbox) plus engine containers that join it (HostConfig.NetworkMode `ns:PATH`), so they are
// ordinary containers to `docker ps` and survive a restart of Skiff under conmon. Volumes live
// under <data-dir>/agent/pods/<uid>/; images come through the ImageService with the pod's
// credentials. The parts: runtime-sandbox, volumes, env, runtime-images, runtime-container,
// runtime-records; this file composes them and keeps the attempts a pod container needs.
import { availableParallelism, totalmem } from "node:os";
import { join } from "node:path";
import type { Logger } from "pino";
import type { ClusterClient } from "../api/client/cluster.js";
import type { KubeObject } from "../api/types.js";
import { NoSuchContainerError, NotModifiedError } from "../runtime/container-errors.js";
import type { ContainerService } from "../runtime/containers.js";
import { containerEnv } from "./env.js";
import { ContainerStartFailure, type ContainerRecord, type PodRuntime } from "./pod-runtime.js";
import { containerBody, containerName } from "./runtime-container.js";
import { execIn } from "./runtime-exec.js";
import { PodImages, type CredentialsFor, type PodImageStore } from "./runtime-images.js";
import { PodObjects } from "./runtime-objects.js";
import { listRecords, recordOf } from "./runtime-records.js";
import { PodSandboxes, type SandboxNetwork } from "./runtime-sandbox.js";
import { findContainer, podStatus, podUid } from "./runtime-types.js";
import { PodVolumes } from "./volumes.js";

export type { CredentialsFor } from "./runtime-images.js";

/** The ContainerService calls pods need. */
export type PodContainers = Pick<
  ContainerService,
  | "create"
  | "start"
  | "stop"
  | "remove"
  | "list"
  | "inspect"
  | "onExit"
  | "execCreate"
  | "execStart"
  | "execInspect"
>;

export interface EnginePodRuntimeOptions {
  containers: PodContainers;
  network: SandboxNetwork;
  images: PodImageStore;
  client: ClusterClient;
  /** Skiff's data directory: pods live under <dataDir>/agent/pods/<uid>/. */
  dataDir: string;
  nodeName: string;
  nodeIP: string;
  /** Credentials for a registry host (Skiff's own: the node's identity); undefined → imagePullSecrets. */
  credentialsFor: CredentialsFor;
  logger: Logger;
}

export class EnginePodRuntime implements PodRuntime {
  readonly #containers: PodContainers;
  readonly #client: ClusterClient;
  readonly #nodeIP: string;
  readonly #log: Logger;
  readonly #sandboxes: PodSandboxes;
  readonly #volumes: PodVolumes;
  readonly #images: PodImages;

  constructor(o: EnginePodRuntimeOptions) {
    this.#containers = o.containers;
    this.#client = o.client;
    this.#nodeIP = o.nodeIP;
    this.#log = o.logger;
    this.#sandboxes = new PodSandboxes({ network: o.network, nodeIP: o.nodeIP, logger: o.logger });
    this.#volumes = new PodVolumes({ podsDir: join(o.dataDir, "agent", "pods") });
    this.#images = new PodImages({ store: o.images, credentialsFor: o.credentialsFor, logger: o.logger });
  }

  async ensureSandbox(pod: KubeObject): Promise<{ podIP: string }> {
    const s = await this.#sandboxes.ensure(pod, this.#volumes.podDir(podUid(pod)));
    return { podIP: s.podIP };
  }

  removeSandbox(podUid: string): Promise<void> {
    return this.#sandboxes.remove(podUid);
  }

  ensureImage(pod: KubeObject, containerName: string): Promise<string> {
    const { container } = findContainer(pod, containerName);
    return this.#images.ensure(pod, container, this.#objects(pod));
  }

  prepareVolumes(pod: KubeObject): Promise<void> {
    return this.#volumes.prepare(pod, this.#objects(pod));
  }

  async startContainer(
    pod: KubeObject,
    name: string,
    o: { attempt: number; init: boolean },
  ): Promise<ContainerRecord> {
    const { container } = findContainer(pod, name);
    const uid = podUid(pod);
    const sandbox = await this.#sandboxes.ensure(pod, this.#volumes.podDir(uid));
    const env = await containerEnv({
      pod,
      container,
      objects: this.#objects(pod),
      podIP: sandbox.podIP,
      hostIP: podStatus(pod).hostIP ?? this.#nodeIP,
      node: { cpu: availableParallelism(), memory: totalmem() },
    });
    const mounts = await this.#volumes.mounts(pod, container);
    const body = containerBody({ pod, container, attempt: o.attempt, init: o.init, env, mounts, sandbox });
    await this.#dropOldAttempts(uid, name, o.attempt);
    let id: string;
    try {
      id = (await this.#containers.create(body, { name: containerName(pod, name, o.attempt) })).Id;
    } catch (err) {
      throw new ContainerStartFailure("CreateContainerError", message(err));
    }
    try {
      await this.#containers.start(id);
    } catch (err) {
      throw new ContainerStartFailure("StartError", message(err));
    }
    this.#log.debug(
      { pod: pod.metadata.name, container: name, attempt: o.attempt, id },
      "pod container started",
    );
    const record = recordOf(this.#containers.inspect(id));
    if (record === undefined) throw new Error(`container ${id} lost its pod labels`);
    return record;
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    try {
      await this.#containers.stop(id, { timeout: Math.max(0, Math.floor(graceSeconds)) });
    } catch (err) {
      if (err instanceof NotModifiedError || err instanceof NoSuchContainerError) return;
      throw err;
    }
  }

  async removeContainer(id: string): Promise<void> {
    try {
      await this.#containers.remove(id, { force: true, volumes: true });
    } catch (err) {
      if (!(err instanceof NoSuchContainerError)) throw err;
    }
  }

  listContainers(podUid?: string): ContainerRecord[] {
    return listRecords(this.#containers, podUid);
  }

  onExit(listener: (record: ContainerRecord) => void): () => void {
    return this.#containers.onExit((id) => {
      let record: ContainerRecord | undefined;
      try {
        record = recordOf(this.#containers.inspect(id));
      } catch {
        return; // removed at once (AutoRemove): not a pod container
      }
      if (record !== undefined) listener(record);
    });
  }

  exec(id: string, command: string[], timeoutMs: number): Promise<{ exitCode: number; output: string }> {
    return execIn(this.#containers, id, command, timeoutMs);
  }

  cleanupPod(podUid: string): Promise<void> {
    return this.#volumes.cleanup(podUid);
  }

  /**
   * Before attempt N starts: attempt N-1 stays (`kubectl logs --previous`), older ones and a
   * leftover of N itself (a create that failed half-way) go.
   */
  async #dropOldAttempts(uid: string, name: string, attempt: number): Promise<void> {
    const stale = this.listContainers(uid).filter(
      (r) => r.name === name && (r.attempt < attempt - 1 || r.attempt === attempt),
    );
    await Promise.all(stale.map((r) => this.removeContainer(r.id)));
  }

  #objects(pod: KubeObject): PodObjects {
    return new PodObjects(this.#client, pod.metadata.namespace ?? "default");
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
