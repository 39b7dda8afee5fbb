// An in-memory PodRuntime for the agent's tests: containers "run" until the test makes them
// exit (or the agent stops them); pulls and starts fail on demand; every call is logged.
import { createHash, randomBytes } from "node:crypto";
import { isObject, listAt, strAt } from "../api/resources/json.js";
import type { KubeObject } from "../api/types.js";
import type { Clock } from "./clock.js";
import type { ContainerRecord, ContainerStartFailure, ImagePullError, PodRuntime } from "./pod-runtime.js";

export class FakeRuntime implements PodRuntime {
  readonly records = new Map<string, ContainerRecord>();
  readonly sandboxes = new Map<string, string>();
  readonly calls: string[] = [];
  /** image → why pulling it fails. */
  readonly pullFailures = new Map<string, ImagePullError>();
  /** container name → why starting it fails. */
  readonly startFailures = new Map<string, ContainerStartFailure>();
  /** Answers exec calls (probes, hooks); default: exit 0. */
  execHandler: (id: string, command: string[]) => { exitCode: number; output: string } = () => ({
    exitCode: 0,
    output: "",
  });
  readonly #listeners = new Set<(r: ContainerRecord) => void>();
  readonly #clock: Clock;
  #nextIP = 2;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  async ensureSandbox(pod: KubeObject): Promise<{ podIP: string }> {
    const uid = pod.metadata.uid ?? "";
    let ip = this.sandboxes.get(uid);
    if (!ip) {
      ip = `10.88.0.${this.#nextIP++}`;
      this.sandboxes.set(uid, ip);
      this.calls.push(`sandbox ${pod.metadata.name}`);
    }
    return { podIP: ip };
  }

  async removeSandbox(podUid: string): Promise<void> {
    if (this.sandboxes.delete(podUid)) this.calls.push(`removeSandbox ${podUid}`);
  }

  async ensureImage(pod: KubeObject, containerName: string): Promise<string> {
    const image = imageOf(pod, containerName);
    const failure = this.pullFailures.get(image);
    this.calls.push(`pull ${image}`);
    if (failure) throw failure;
    return `sha256:${createHash("sha256").update(image).digest("hex")}`;
  }

  async prepareVolumes(pod: KubeObject): Promise<void> {
    this.calls.push(`volumes ${pod.metadata.name}`);
  }

  async startContainer(
    pod: KubeObject,
    name: string,
    o: { attempt: number; init: boolean },
  ): Promise<ContainerRecord> {
    const failure = this.startFailures.get(name);
    if (failure) throw failure;
    const now = this.#clock.now();
    const image = imageOf(pod, name);
    const r: ContainerRecord = {
      id: randomBytes(16).toString("hex"),
      podUid: pod.metadata.uid ?? "",
      name,
      attempt: o.attempt,
      init: o.init,
      image,
      imageID: `sha256:${createHash("sha256").update(image).digest("hex")}`,
      state: "running",
      createdAt: now,
      startedAt: now,
    };
    this.records.set(r.id, r);
    this.calls.push(`start ${pod.metadata.name}/${name}#${o.attempt}`);
    return { ...r };
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    const r = this.records.get(id);
    this.calls.push(`stop ${r?.name ?? id} grace=${graceSeconds}`);
    if (r?.state === "running") this.exit(id, 143);
  }

  async removeContainer(id: string): Promise<void> {
    this.records.delete(id);
  }

  listContainers(podUid?: string): ContainerRecord[] {
    return [...this.records.values()]
      .filter((r) => podUid === undefined || r.podUid === podUid)
      .map((r) => ({ ...r }));
  }

  onExit(listener: (record: ContainerRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async exec(id: string, command: string[]): Promise<{ exitCode: number; output: string }> {
    this.calls.push(`exec ${this.records.get(id)?.name ?? id} ${command.join(" ")}`);
    return this.execHandler(id, command);
  }

  async cleanupPod(podUid: string): Promise<void> {
    this.calls.push(`cleanup ${podUid}`);
  }

  /** The container's process ends with `exitCode` (as `kill -9` from outside would: 137). */
  exit(id: string, exitCode: number, reason?: string): void {
    const r = this.records.get(id);
    if (!r || r.state !== "running") throw new Error(`container ${id} is not running`);
    r.state = "exited";
    r.exitCode = exitCode;
    r.reason = reason ?? (exitCode === 0 ? "Completed" : "Error");
    r.finishedAt = this.#clock.now();
    for (const l of this.#listeners) l({ ...r });
  }

  /** The latest attempt of a pod's container. */
  current(podUid: string, name: string): ContainerRecord | undefined {
    return [...this.records.values()]
      .filter((r) => r.podUid === podUid && r.name === name)
      .sort((a, b) => b.attempt - a.attempt)[0];
  }
}

function imageOf(pod: KubeObject, name: string): string {
  const all = [...listAt(pod.spec, "initContainers"), ...listAt(pod.spec, "containers")];
  const c = all.find((x) => isObject(x) && x.name === name);
  return strAt(c, "image") ?? "";
}
