// What the scheduler knows of the cluster between watch events: every node with the pods bound to
// it, plus the pods it has just decided ("assumed") and is binding — counted at once, so a burst
// of pods cannot overcommit a node before the bindings come back through the watch.
import type { KubeObject } from "../api/types.js";
import { NodeInfo } from "./node-info.js";
import type { PodInfo } from "./types.js";

interface PodState {
  info: PodInfo;
  node: string;
  assumed: boolean;
}

export class SchedulerCache {
  readonly #nodes = new Map<string, NodeInfo>();
  readonly #pods = new Map<string, PodState>();
  #schedulable: NodeInfo[] | undefined;

  /** The nodes pods may be scheduled to (those whose Node object is known). */
  nodes(): readonly NodeInfo[] {
    this.#schedulable ??= [...this.#nodes.values()].filter((n) => n.node !== undefined);
    return this.#schedulable;
  }

  nodeInfo(name: string): NodeInfo | undefined {
    return this.#nodes.get(name);
  }

  setNode(node: KubeObject): void {
    const name = node.metadata.name ?? "";
    let info = this.#nodes.get(name);
    if (info === undefined) {
      info = new NodeInfo(name);
      this.#nodes.set(name, info);
    }
    if (info.node === undefined) this.#schedulable = undefined;
    info.setNode(node);
  }

  /** The node is gone; its pods stay counted until they are deleted too. */
  removeNode(name: string): void {
    const info = this.#nodes.get(name);
    if (info === undefined) return;
    info.setNode(undefined);
    if (info.podCount === 0) this.#nodes.delete(name);
    this.#schedulable = undefined;
  }

  /** The pod is counted on a node (bound or assumed). */
  hasPod(key: string): boolean {
    return this.#pods.has(key);
  }

  isAssumed(key: string): boolean {
    return this.#pods.get(key)?.assumed === true;
  }

  /** Counts `pod` on `node` before its binding is confirmed. */
  assume(pod: PodInfo, node: string): void {
    this.#place({ info: pod, node, assumed: true });
  }

  /** Drops an assumed pod whose binding failed. */
  forget(key: string): void {
    if (this.isAssumed(key)) this.removePod(key);
  }

  /**
   * A pod as the watch reports it. Bound, live pods are counted on their node (confirming an
   * assumed one); terminal pods are dropped; unbound ones change nothing (an assumed pod keeps
   * its place until its binding shows or fails).
   */
  setPod(pod: PodInfo): void {
    if (pod.terminal) {
      this.removePod(pod.key);
      return;
    }
    if (pod.nodeName === "") return;
    this.#place({ info: pod, node: pod.nodeName, assumed: false });
  }

  removePod(key: string): void {
    const state = this.#pods.get(key);
    if (state === undefined) return;
    this.#pods.delete(key);
    const info = this.#nodes.get(state.node);
    if (info === undefined) return;
    info.removePod(key);
    if (info.node === undefined && info.podCount === 0) this.#nodes.delete(state.node);
  }

  #place(state: PodState): void {
    const old = this.#pods.get(state.info.key);
    if (old !== undefined && old.node !== state.node) this.removePod(state.info.key);
    this.#pods.set(state.info.key, state);
    let info = this.#nodes.get(state.node);
    if (info === undefined) {
      info = new NodeInfo(state.node);
      this.#nodes.set(state.node, info);
    }
    info.addPod(state.info);
  }
}
