// core/v1 Events from the node agent (source kubelet, host = node), aggregated as client-go's
// EventCorrelator does: the same reason and message about the same object bumps `count` and
// `lastTimestamp` of one Event instead of creating another.
import type { Logger } from "pino";
import type { ClusterClient, ResourceApi } from "../api/client/cluster.js";
import type { KubeObject } from "../api/types.js";
import { rfc3339, type Clock } from "./clock.js";

export interface EventRecorderOptions {
  client: ClusterClient;
  nodeName: string;
  clock: Clock;
  logger: Logger;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  /** Writes to this event run one after another. */
  chain: Promise<void>;
}

const MAX_KEYS = 4096;

export class EventRecorder {
  readonly #events: ResourceApi;
  readonly #o: EventRecorderOptions;
  readonly #seen = new Map<string, Seen>();

  constructor(o: EventRecorderOptions) {
    this.#o = o;
    this.#events = o.client.resource({ apiVersion: "v1", kind: "Event" });
  }

  /** Records an event about `obj` (a Pod, or the Node); `fieldPath` names a container. */
  record(
    obj: KubeObject,
    e: { type: "Normal" | "Warning"; reason: string; message: string; fieldPath?: string },
  ): void {
    const namespace = obj.metadata.namespace ?? "default";
    const key = [obj.metadata.uid, e.fieldPath ?? "", e.type, e.reason, e.message].join("\u0000");
    const now = this.#o.clock.now();
    const seen = this.#seen.get(key);
    if (seen) {
      seen.count++;
      const count = seen.count;
      seen.chain = seen.chain.then(() => this.#bump(seen, count, now));
      return;
    }
    if (this.#seen.size >= MAX_KEYS) this.#seen.delete(this.#seen.keys().next().value as string);
    const name = `${obj.metadata.name ?? ""}.${(BigInt(now.getTime()) * 1_000_000n + BigInt(this.#seen.size)).toString(16)}`;
    const entry: Seen = { name, namespace, count: 1, chain: Promise.resolve() };
    this.#seen.set(key, entry);
    const event: KubeObject = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        ...(obj.metadata.namespace !== undefined && { namespace: obj.metadata.namespace }),
        name: obj.metadata.name,
        uid: obj.metadata.uid,
        ...(obj.metadata.resourceVersion !== undefined && { resourceVersion: obj.metadata.resourceVersion }),
        ...(e.fieldPath !== undefined && { fieldPath: e.fieldPath }),
      },
      reason: e.reason,
      message: e.message,
      source: { component: "kubelet", host: this.#o.nodeName },
      firstTimestamp: rfc3339(now),
      lastTimestamp: rfc3339(now),
      count: 1,
      type: e.type,
      reportingComponent: "kubelet",
      reportingInstance: this.#o.nodeName,
    };
    entry.chain = this.#events.create(event).then(
      () => undefined,
      (err: unknown) => this.#o.logger.debug({ err, reason: e.reason }, "event not recorded"),
    );
  }

  /** Resolves once every write started so far has finished (tests, shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.#seen.values()].map((s) => s.chain));
  }

  async #bump(seen: Seen, count: number, now: Date): Promise<void> {
    try {
      await this.#events.patch(seen.namespace, seen.name, "merge", { count, lastTimestamp: rfc3339(now) });
    } catch (err) {
      this.#o.logger.debug({ err, event: seen.name }, "event count not updated");
    }
  }
}
