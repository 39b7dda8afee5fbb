// The Deployment controller: Deployment, ReplicaSet and pod events become Deployment keys;
// workers run syncDeployment over them (k8s' DeploymentController).
import { ApiError } from "../../api/errors.js";
import type { KubeObject } from "../../api/types.js";
import type { Controller, ControllerContext } from "../controller.js";
import { Resources } from "../informers.js";
import { controllerRef, isPodActive, labels, objectKey } from "../pod-util.js";
import { WorkQueue } from "../workqueue.js";
import type { DeploymentDeps } from "./deps.js";
import { syncDeployment } from "./reconcile.js";
import { deploymentSpec } from "./spec.js";

export interface DeploymentControllerOptions {
  /** Concurrent syncs (default 5, kube-controller-manager's --concurrent-deployment-syncs). */
  workers?: number;
}

export class DeploymentController implements Controller {
  readonly name = "deployment-controller";
  readonly #deps: DeploymentDeps;
  readonly #workers: number;

  constructor(ctx: ControllerContext, o: DeploymentControllerOptions = {}) {
    this.#workers = o.workers ?? 5;
    this.#deps = {
      deployments: ctx.client.resource(Resources.deployments),
      replicaSets: ctx.client.resource(Resources.replicaSets),
      events: ctx.client.resource(Resources.events),
      deploymentInformer: ctx.informers.informer(Resources.deployments),
      rsInformer: ctx.informers.informer(Resources.replicaSets),
      podInformer: ctx.informers.informer(Resources.pods),
      queue: new WorkQueue({ clock: ctx.clock }),
      clock: ctx.clock,
      logger: ctx.logger.child({ controller: this.name }),
    };
  }

  async start(signal: AbortSignal): Promise<void> {
    const d = this.#deps;
    const offs = [
      d.deploymentInformer.onChange((_type, dep) => d.queue.add(objectKey(dep))),
      d.rsInformer.onChange((_type, rs) => this.#onReplicaSet(rs)),
      d.podInformer.onChange((type, pod) => this.#onPod(type, pod)),
    ];
    try {
      await Promise.all([d.deploymentInformer.synced, d.rsInformer.synced, d.podInformer.synced]);
      if (signal.aborted) return;
      for (const dep of d.deploymentInformer.items()) d.queue.add(objectKey(dep));
      await d.queue.run((key) => this.#sync(key), {
        workers: this.#workers,
        signal,
        logger: d.logger,
      });
    } finally {
      for (const off of offs) off();
    }
  }

  /**
   * A Conflict means a cache was behind our own last write: the informer event that follows
   * brings the key back, so it is retried quietly instead of logged as a failure.
   */
  async #sync(key: string): Promise<void> {
    try {
      await syncDeployment(this.#deps, key);
    } catch (err) {
      if (!(err instanceof ApiError && err.reason === "Conflict")) throw err;
      this.#deps.logger.debug({ key }, "conflict on a stale cache; retrying");
      this.#deps.queue.addRateLimited(key);
    }
  }

  /** The Deployment controlling `rs` (name and uid must match), if it is in the cache. */
  #owner(rs: KubeObject): KubeObject | undefined {
    const ref = controllerRef(rs);
    if (ref?.kind !== "Deployment") return undefined;
    const dep = this.#deps.deploymentInformer.get(rs.metadata.namespace, ref.name);
    return dep?.metadata.uid === ref.uid ? dep : undefined;
  }

  #onReplicaSet(rs: KubeObject): void {
    const owner = this.#owner(rs);
    if (owner) return this.#deps.queue.add(objectKey(owner));
    if (controllerRef(rs)) return;
    // An orphan: every Deployment whose selector matches may adopt it.
    for (const dep of this.#deps.deploymentInformer.items()) {
      if (dep.metadata.namespace !== rs.metadata.namespace) continue;
      if (labels.matches(deploymentSpec(dep).selector, rs.metadata.labels))
        this.#deps.queue.add(objectKey(dep));
    }
  }

  /** Recreate waits for old pods to be gone: their deletion (or end) resyncs the Deployment. */
  #onPod(type: "ADDED" | "MODIFIED" | "DELETED", pod: KubeObject): void {
    if (type === "ADDED" || (type === "MODIFIED" && isPodActive(pod))) return;
    const ref = controllerRef(pod);
    if (ref?.kind !== "ReplicaSet") return;
    const rs = this.#deps.rsInformer.get(pod.metadata.namespace, ref.name);
    const owner = rs && rs.metadata.uid === ref.uid ? this.#owner(rs) : undefined;
    if (owner && deploymentSpec(owner).strategy === "Recreate") this.#deps.queue.add(objectKey(owner));
  }
}
