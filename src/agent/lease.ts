// The node's heartbeat: a coordination.k8s.io/v1 Lease in kube-node-lease named after the
// node, owned by the Node, renewed every 10 s with a 40 s duration. The node lifecycle
// controller marks the node NotReady when renewals stop.
import type { Logger } from "pino";
import type { ClusterClient, ResourceApi } from "../api/client/cluster.js";
import type { KubeObject } from "../api/types.js";
import { hasReason } from "./api-errors.js";
import { microTime, type Clock, type Timer } from "./clock.js";

export const LEASE_NAMESPACE = "kube-node-lease";

export interface LeaseOptions {
  client: ClusterClient;
  node: KubeObject;
  clock: Clock;
  logger: Logger;
  durationSeconds?: number;
  renewMs?: number;
}

export class NodeLease {
  readonly #o: LeaseOptions;
  readonly #leases: ResourceApi;
  #lease: KubeObject | undefined;
  #timer: Timer | undefined;
  #stopped = false;

  constructor(o: LeaseOptions) {
    this.#o = o;
    this.#leases = o.client.resource({ apiVersion: "coordination.k8s.io/v1", kind: "Lease" });
  }

  /** Renews once now, then every renewal period until stop(). */
  async start(): Promise<void> {
    await this.renew();
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
  }

  async renew(retries = 3): Promise<void> {
    const name = this.#o.node.metadata.name ?? "";
    const now = microTime(this.#o.clock.now());
    const spec = {
      holderIdentity: name,
      leaseDurationSeconds: this.#o.durationSeconds ?? 40,
      renewTime: now,
    };
    const current = this.#lease ?? (await this.#leases.find(LEASE_NAMESPACE, name));
    try {
      if (!current) {
        this.#lease = await this.#leases.create({
          apiVersion: "coordination.k8s.io/v1",
          kind: "Lease",
          metadata: { name, namespace: LEASE_NAMESPACE, ownerReferences: [this.#ownerRef()] },
          spec: { ...spec, acquireTime: now },
        });
      } else {
        const old = (current.spec ?? {}) as Record<string, unknown>;
        this.#lease = await this.#leases.update({ ...current, spec: { ...old, ...spec } });
      }
    } catch (err) {
      this.#lease = undefined;
      const stale =
        hasReason(err, "Conflict") || hasReason(err, "NotFound") || hasReason(err, "AlreadyExists");
      if (stale && retries > 0) return this.renew(retries - 1);
      throw err;
    }
  }

  #ownerRef() {
    const n = this.#o.node.metadata;
    return { apiVersion: "v1", kind: "Node", name: n.name ?? "", uid: n.uid ?? "" };
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = this.#o.clock.setTimer(() => {
      void this.renew()
        .catch((err: unknown) => this.#o.logger.warn({ err }, "node lease renewal failed"))
        .finally(() => this.#schedule());
    }, this.#o.renewMs ?? 10_000);
  }
}
