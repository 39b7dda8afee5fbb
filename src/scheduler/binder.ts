// The binding step: POST pods/NAME/binding with at most `maxInFlight` at once, so the scheduling
// loop can keep deciding while earlier decisions are written (kube-scheduler binds asynchronously).
import type { ResourceApi } from "../api/client/cluster.js";
import type { KubeObject } from "../api/types.js";
import type { PodInfo } from "./types.js";

export function bindingFor(pod: PodInfo, node: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Binding",
    metadata: { name: pod.name, namespace: pod.namespace, uid: pod.uid },
    target: { apiVersion: "v1", kind: "Node", name: node },
  };
}

export class Binder {
  readonly #pods: ResourceApi;
  readonly #max: number;
  readonly #fieldManager: string;
  #inFlight = 0;
  #waiters: (() => void)[] = [];

  constructor(o: { pods: ResourceApi; maxInFlight: number; fieldManager: string }) {
    this.#pods = o.pods;
    this.#max = o.maxInFlight;
    this.#fieldManager = o.fieldManager;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Resolves once another bind may start. */
  async slot(): Promise<void> {
    while (this.#inFlight >= this.#max) await new Promise<void>((r) => this.#waiters.push(r));
  }

  /** Resolves once no bind is running. */
  async idle(): Promise<void> {
    while (this.#inFlight > 0) await new Promise<void>((r) => this.#waiters.push(r));
  }

  async bind(pod: PodInfo, node: string): Promise<void> {
    this.#inFlight++;
    try {
      await this.#pods.createSubresource(pod.namespace, pod.name, "binding", bindingFor(pod, node), {
        fieldManager: this.#fieldManager,
      });
    } finally {
      this.#inFlight--;
      for (const wake of this.#waiters.splice(0)) wake();
    }
  }
}
