// One node with the pods bound or assumed to it: allocatable read from the Node, requests summed
// from its pods, host ports in use (kube-scheduler's framework.NodeInfo).
import { isObject, listAt, objAt, strAt } from "../api/resources/json.js";
import type { KubeObject } from "../api/types.js";
import { addInto, emptyResources, parseResourceList, podsOf } from "./resources.js";
import type { HostPort, NodeView, PodInfo, Resources, Taint } from "./types.js";

/** Kubernetes' default when a node reports no `pods` allocatable. */
const DEFAULT_MAX_PODS = 110;

export class NodeInfo implements NodeView {
  readonly name: string;
  #node: KubeObject | undefined;
  labels: Readonly<Record<string, string>> = {};
  taints: readonly Taint[] = [];
  unschedulable = false;
  allocatable: Resources = emptyResources();
  allowedPods = DEFAULT_MAX_PODS;
  readonly requested: Resources = emptyResources();
  readonly nonZeroRequested = { milliCpu: 0, memory: 0 };
  readonly #pods = new Map<string, PodInfo>();
  #ports: HostPort[] = [];

  constructor(name: string) {
    this.name = name;
  }

  /** The Node object; undefined while pods are known on a node the cache has not seen (or lost). */
  get node(): KubeObject | undefined {
    return this.#node;
  }

  get podCount(): number {
    return this.#pods.size;
  }

  get usedPorts(): readonly HostPort[] {
    return this.#ports;
  }

  pods(): IterableIterator<PodInfo> {
    return this.#pods.values();
  }

  setNode(node: KubeObject | undefined): void {
    this.#node = node;
    if (node === undefined) return;
    const spec = objAt(node, "spec");
    const status = objAt(node, "status");
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(node.metadata.labels ?? {})) labels[k] = v;
    this.labels = labels;
    this.taints = listAt(spec, "taints")
      .filter(isObject)
      .map((t) => ({
        key: strAt(t, "key") ?? "",
        value: strAt(t, "value"),
        effect: strAt(t, "effect") ?? "",
      }));
    this.unschedulable = spec?.["unschedulable"] === true;
    const allocatable = objAt(status, "allocatable") ?? objAt(status, "capacity");
    this.allocatable = parseResourceList(allocatable);
    this.allowedPods = podsOf(allocatable, DEFAULT_MAX_PODS);
  }

  hasPod(key: string): boolean {
    return this.#pods.has(key);
  }

  addPod(pod: PodInfo): void {
    this.removePod(pod.key);
    this.#pods.set(pod.key, pod);
    this.#account(pod, 1);
    if (pod.hostPorts.length > 0) this.#ports = [...this.#ports, ...pod.hostPorts];
  }

  removePod(key: string): void {
    const pod = this.#pods.get(key);
    if (pod === undefined) return;
    this.#pods.delete(key);
    this.#account(pod, -1);
    if (pod.hostPorts.length > 0) this.#ports = [...this.#pods.values()].flatMap((p) => p.hostPorts);
  }

  #account(pod: PodInfo, sign: 1 | -1): void {
    addInto(this.requested, pod.requests, sign);
    this.nonZeroRequested.milliCpu += sign * pod.nonZero.milliCpu;
    this.nonZeroRequested.memory += sign * pod.nonZero.memory;
  }
}
