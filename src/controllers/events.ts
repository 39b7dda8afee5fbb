// Events a controller records on the objects it manages, as client-go's recorder does for
// kube-controller-manager (`kubectl describe rs` shows "SuccessfulCreate  Created pod: web-x7k2p"):
// written in the background so a sync never waits for them, with a bound on writes in flight
// (more are dropped); a failed write is only logged.
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { ClusterClient, ResourceApi } from "../api/client/cluster.js";
import type { KubeObject } from "../api/types.js";
import type { Clock } from "./clock.js";
import { Resources } from "./informers.js";
import { rfc3339 } from "./pod-util.js";

export interface ControllerEventsOptions {
  client: ClusterClient;
  /** source.component and reportingComponent, e.g. "replicaset-controller". */
  component: string;
  clock: Clock;
  logger: Logger;
  /** Writes allowed in flight at once (default 500). */
  maxPending?: number;
}

export class ControllerEvents {
  readonly #events: ResourceApi;
  readonly #component: string;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #maxPending: number;
  readonly #pending = new Set<Promise<void>>();

  constructor(o: ControllerEventsOptions) {
    this.#events = o.client.resource(Resources.events);
    this.#component = o.component;
    this.#clock = o.clock;
    this.#logger = o.logger;
    this.#maxPending = o.maxPending ?? 500;
  }

  /** Queues an event about `obj`; never throws, never waits. */
  record(obj: KubeObject, type: "Normal" | "Warning", reason: string, message: string): void {
    if (this.#pending.size >= this.#maxPending) {
      this.#logger.debug({ reason, object: obj.metadata.name }, "event dropped: too many pending");
      return;
    }
    const now = rfc3339(this.#clock.now());
    const event: KubeObject = {
      apiVersion: "v1",
      kind: "Event",
      metadata: {
        name: `${obj.metadata.name ?? ""}.${randomBytes(8).toString("hex")}`,
        namespace: obj.metadata.namespace ?? "default",
      },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.metadata.name,
        namespace: obj.metadata.namespace,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
      },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: this.#component },
      reportingComponent: this.#component,
    };
    const write: Promise<void> = this.#events
      .create(event, { fieldManager: this.#component })
      .then(
        () => undefined,
        (err: unknown) => this.#logger.debug({ err, reason }, "could not record event"),
      )
      .finally(() => this.#pending.delete(write));
    this.#pending.add(write);
  }

  /** Resolves when the writes queued so far are done. */
  async flush(): Promise<void> {
    await Promise.all([...this.#pending]);
  }
}
