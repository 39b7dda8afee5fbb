// Registers this machine's Node and keeps its status current: checked every 10 s, written when
// something other than the heartbeat changed or when the last report is 5 minutes old
// (nodeStatusUpdateFrequency / nodeStatusReportFrequency).
import type { Logger } from "pino";
import type { ClusterClient, ResourceApi } from "../api/client/cluster.js";
import type { KubeObject } from "../api/types.js";
import { hasReason } from "./api-errors.js";
import type { Clock, Timer } from "./clock.js";
import type { Machine } from "./machine.js";
import { DEFAULT_KUBELET_PORT, newNode, nodeLabels, nodeStatus, withoutHeartbeats } from "./node-status.js";
import { canonical } from "./pod-status.js";

export interface NodeLoopOptions {
  client: ClusterClient;
  nodeName: string;
  nodeIP: string;
  machine: Machine;
  runtimeVersion: string;
  clock: Clock;
  logger: Logger;
  labels?: Record<string, string>;
  /** Annotations the node publishes about itself (e.g. its stream endpoint's CA). */
  annotations?: Record<string, string>;
  /** status.daemonEndpoints.kubeletEndpoint.Port: where the node serves logs/exec/port-forward. */
  kubeletPort?: number;
  updateMs?: number;
  reportMs?: number;
}

export class NodeLoop {
  readonly #o: NodeLoopOptions;
  readonly #nodes: ResourceApi;
  #node: KubeObject | undefined;
  #lastReport = 0;
  #timer: Timer | undefined;
  #stopped = false;

  constructor(o: NodeLoopOptions) {
    this.#o = o;
    this.#nodes = o.client.resource({ apiVersion: "v1", kind: "Node" });
  }

  /** Creates the Node (or takes over the existing one) and writes its first status. */
  async register(): Promise<KubeObject> {
    const facts = this.#o.machine.facts();
    let node = await this.#nodes.find(undefined, this.#o.nodeName);
    if (!node) {
      try {
        node = await this.#nodes.create(
          newNode(this.#o.nodeName, facts, this.#o.labels ?? {}, this.#o.annotations ?? {}),
        );
      } catch (err) {
        if (!hasReason(err, "AlreadyExists")) throw err;
        node = await this.#nodes.get(undefined, this.#o.nodeName);
      }
    } else {
      const want = { ...nodeLabels(this.#o.nodeName, facts), ...this.#o.labels };
      const annotations = this.#o.annotations ?? {};
      const differs = (have: Record<string, string> | undefined, w: Record<string, string>): boolean =>
        Object.entries(w).some(([k, v]) => have?.[k] !== v);
      if (differs(node.metadata.labels, want) || differs(node.metadata.annotations, annotations)) {
        node = await this.#nodes.patch(undefined, this.#o.nodeName, "merge", {
          metadata: { labels: want, annotations },
        });
      }
    }
    this.#node = node;
    await this.#sync(true);
    return this.#node;
  }

  start(): void {
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = this.#o.clock.setTimer(() => {
      void this.#sync(false)
        .catch((err: unknown) => this.#o.logger.warn({ err }, "node status update failed"))
        .finally(() => this.#schedule());
    }, this.#o.updateMs ?? 10_000);
  }

  async #sync(force: boolean): Promise<void> {
    const node = this.#node;
    if (!node) return;
    const now = this.#o.clock.now();
    const status = nodeStatus({
      node,
      facts: this.#o.machine.facts(),
      pressure: this.#o.machine.pressure(),
      nodeIP: this.#o.nodeIP,
      runtimeVersion: this.#o.runtimeVersion,
      kubeletPort: this.#o.kubeletPort ?? DEFAULT_KUBELET_PORT,
      now,
    });
    const changed = canonical(withoutHeartbeats(status)) !== canonical(withoutHeartbeats(node.status));
    const due = now.getTime() - this.#lastReport >= (this.#o.reportMs ?? 300_000);
    if (!force && !changed && !due) return;
    try {
      this.#node = await this.#nodes.updateStatus({ ...node, status });
    } catch (err) {
      if (!hasReason(err, "Conflict") && !hasReason(err, "NotFound")) throw err;
      // Someone else wrote the Node (taints, cordon) or deleted it: start from the stored one.
      const fresh = await this.#nodes.find(undefined, this.#o.nodeName);
      if (!fresh) return void (await this.register());
      this.#node = fresh;
      return this.#sync(true);
    }
    this.#lastReport = now.getTime();
  }
}
