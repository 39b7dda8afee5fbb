// Events about pods, written in the background like client-go's recorder: a repeat of the same
// event (same object, type, reason and message) bumps count and lastTimestamp of the one already
// written instead of adding another; when too many writes wait, new ones are dropped.
import type { Logger } from "pino";
import type { ResourceApi } from "../api/client/cluster.js";
import { ApiError } from "../api/errors.js";
import type { KubeObject } from "../api/types.js";
import type { Clock } from "./types.js";

export interface EventRecorderOptions {
  /** core/v1 events. */
  events: ResourceApi;
  /** source.component and reportingComponent, e.g. "default-scheduler". */
  component: string;
  clock: Clock;
  logger: Logger;
  /** Writes allowed to wait at once; more are dropped (1,000). */
  maxPending?: number;
}

export interface EventSpec {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  action?: string;
}

interface Written {
  namespace: string;
  name: string;
  count: number;
  first: string;
}

/** Repeats remembered for aggregation (client-go keeps 4,096). */
const MAX_REMEMBERED = 4096;

export class EventRecorder {
  readonly #o: Required<EventRecorderOptions>;
  readonly #written = new Map<string, Written>();
  readonly #tails = new Map<string, Promise<void>>();
  #pending = 0;
  #seq = 0;

  constructor(o: EventRecorderOptions) {
    this.#o = { maxPending: 1000, ...o };
  }

  /** Queues an event about `obj`; never throws, never waits. */
  record(obj: KubeObject, e: EventSpec): void {
    if (this.#pending >= this.#o.maxPending) {
      this.#o.logger.debug(
        { reason: e.reason, object: obj.metadata.name },
        "event dropped: too many pending",
      );
      return;
    }
    const key = [
      obj.metadata.uid,
      obj.kind,
      obj.metadata.namespace,
      obj.metadata.name,
      e.type,
      e.reason,
      e.message,
    ].join("\u0000");
    const now = rfc3339(this.#o.clock.now());
    this.#pending++;
    const tail = (this.#tails.get(key) ?? Promise.resolve())
      .then(() => this.#write(key, obj, e, now))
      .catch((err: unknown) => this.#o.logger.warn({ err, reason: e.reason }, "event write failed"))
      .finally(() => {
        this.#pending--;
        if (this.#tails.get(key) === tail) this.#tails.delete(key);
      });
    this.#tails.set(key, tail);
  }

  /** Resolves when the writes queued so far are done. */
  async flush(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all([...this.#tails.values()]);
  }

  async #write(key: string, obj: KubeObject, e: EventSpec, now: string): Promise<void> {
    const seen = this.#written.get(key);
    if (seen !== undefined) {
      this.#written.delete(key);
      this.#written.set(key, seen);
      seen.count++;
      try {
        await this.#o.events.patch(seen.namespace, seen.name, "merge", {
          count: seen.count,
          lastTimestamp: now,
        });
        return;
      } catch (err) {
        if (!(err instanceof ApiError && err.reason === "NotFound")) throw err;
      }
    }
    const namespace = obj.metadata.namespace || "default";
    const name = `${obj.metadata.name ?? ""}.${this.#suffix()}`;
    const count = seen?.count ?? 1;
    const first = seen?.first ?? now;
    await this.#o.events.create(this.#event({ namespace, name, obj, e, count, first, now }));
    this.#written.set(key, { namespace, name, count, first });
    if (this.#written.size > MAX_REMEMBERED) {
      const oldest = this.#written.keys().next().value;
      if (oldest !== undefined) this.#written.delete(oldest);
    }
  }

  #event(p: {
    namespace: string;
    name: string;
    obj: KubeObject;
    e: EventSpec;
    count: number;
    first: string;
    now: string;
  }): KubeObject {
    const { obj, e } = p;
    return {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: p.name, namespace: p.namespace },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        ...(obj.metadata.namespace !== undefined && { namespace: obj.metadata.namespace }),
        name: obj.metadata.name,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
      },
      type: e.type,
      reason: e.reason,
      message: e.message,
      ...(e.action !== undefined && { action: e.action }),
      source: { component: this.#o.component },
      reportingComponent: this.#o.component,
      reportingInstance: "",
      count: p.count,
      firstTimestamp: p.first,
      lastTimestamp: p.now,
    };
  }

  /** client-go names events NAME.<unix nanoseconds in hex>; a counter keeps them unique here. */
  #suffix(): string {
    const nanos = BigInt(this.#o.clock.now().getTime()) * 1_000_000n + BigInt(this.#seq++ % 1_000_000);
    return nanos.toString(16);
  }
}

/** Kubernetes' metav1.Time: RFC 3339 in whole seconds. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}
