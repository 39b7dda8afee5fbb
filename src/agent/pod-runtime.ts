// The node agent's view of the machine: pods as a network namespace (the sandbox) plus
// containers run by the engine's ContainerService (conmon + runc), which keeps them across a
// restart of Skiff — like the kubelet over CRI. agent/pod-runtime-engine.ts implements it;
// the pod workers (agent/pod-worker*.ts) only use this interface, so they can be unit-tested
// with a fake.
import type { KubeObject } from "../api/types.js";

/** A container of a pod as the runtime last saw it. */
export interface ContainerRecord {
  /** Engine container id (also `docker ps`): the pod status' containerID is `skiff://<id>`. */
  id: string;
  podUid: string;
  /** The container's name in the pod spec. */
  name: string;
  /** 0 for the first run, +1 per restart: the restartCount. */
  attempt: number;
  init: boolean;
  /** The image as the spec names it, and the id it resolved to ("sha256:…"). */
  image: string;
  imageID: string;
  state: "created" | "running" | "exited";
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  exitCode?: number;
  /** For exited containers: "Completed" (0), "Error", "OOMKilled". */
  reason?: string;
}

export class ImagePullError extends Error {
  /** "ErrImagePull" (registry refused / not found / unreachable) or "ErrImageNeverPull". */
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** A container that could not be created or started (bad command, missing configMap key …). */
export class ContainerStartFailure extends Error {
  /** "CreateContainerConfigError" (env/volume source missing) or "CreateContainerError"/"StartError". */
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.reason = reason;
  }
}

export interface PodRuntime {
  /** The pod's network namespace with a pod IP on the bridge (hostPorts published); idempotent. */
  ensureSandbox(pod: KubeObject): Promise<{ podIP: string }>;
  /** Removes the pod's namespace and frees its IP and ports (containers must be gone); idempotent. */
  removeSandbox(podUid: string): Promise<void>;
  /** Makes the image present as `imagePullPolicy` asks; ImagePullError otherwise. Answers the image id. */
  ensureImage(pod: KubeObject, containerName: string): Promise<string>;
  /** Writes the pod's volumes (emptyDir made, configMap/secret files refreshed atomically); idempotent. */
  prepareVolumes(pod: KubeObject): Promise<void>;
  /** Creates and starts one container (env incl. valueFrom/envFrom, mounts, limits) in the sandbox. ContainerStartFailure. */
  startContainer(
    pod: KubeObject,
    containerName: string,
    o: { attempt: number; init: boolean },
  ): Promise<ContainerRecord>;
  /** SIGTERM (the image's stop signal), then SIGKILL after `graceSeconds`; resolves once it has exited. */
  stopContainer(id: string, graceSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  /**
   * Every pod container on this node, in every state (what survives a restart of Skiff); only
   * those of the pod `podUid` when given (a pod's sync need not read every other pod's).
   */
  listContainers(podUid?: string): ContainerRecord[];
  /** Hears every exit of a pod container; returns the unsubscribe function. */
  onExit(listener: (record: ContainerRecord) => void): () => void;
  /** Runs a command in a running container (exec probes, preStop hooks). */
  exec(id: string, command: string[], timeoutMs: number): Promise<{ exitCode: number; output: string }>;
  /** Removes the pod's volume directories once it is gone. */
  cleanupPod(podUid: string): Promise<void>;
}
