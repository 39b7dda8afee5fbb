// Skiff's side of the orchestration benchmark sees pods as Kubernetes' SLO asks: through a
// watch. One list+watch of a namespace keeps the current pods and wakes waiters on each event,
// with the time the event arrived.
import type { ResourceApi } from "../../src/api/client/cluster.js";
import type { KubeObject } from "../../src/api/types.js";
import { Waiters, type Seen } from "./waiters.js";

interface ContainerStatus {
  name?: string;
  restartCount?: number;
  containerID?: string;
  image?: string;
  state?: { running?: { startedAt?: string } };
}

interface PodView {
  spec?: { containers?: { name?: string; image?: string }[] };
  status?: {
    conditions?: { type?: string; status?: string }[];
    containerStatuses?: ContainerStatus[];
  };
}

const view = (pod: KubeObject): PodView => pod as PodView;

/** All of the pod's containers are reported running (the SLO's "all containers started"). */
export function allRunning(pod: KubeObject): boolean {
  const v = view(pod);
  const want = v.spec?.containers?.length ?? 0;
  const statuses = v.status?.containerStatuses ?? [];
  return want > 0 && statuses.length === want && statuses.every((s) => s.state?.running !== undefined);
}

export function isReady(pod: KubeObject): boolean {
  return view(pod).status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;
}

/** The first container's status (the bench's pods have one container). */
export function firstContainer(pod: KubeObject): ContainerStatus | undefined {
  return view(pod).status?.containerStatuses?.[0];
}

export function podImage(pod: KubeObject): string | undefined {
  return view(pod).spec?.containers?.[0]?.image;
}

export function isTerminating(pod: KubeObject): boolean {
  return pod.metadata.deletionTimestamp !== undefined;
}

export class PodWatch {
  readonly #pods: ResourceApi;
  readonly #namespace: string;
  readonly #current = new Map<string, KubeObject>();
  readonly #waiters = new Waiters<KubeObject>();
  readonly #abort = new AbortController();
  #done: Promise<void> = Promise.resolve();
  #error: unknown;

  constructor(o: { pods: ResourceApi; namespace: string }) {
    this.#pods = o.pods;
    this.#namespace = o.namespace;
  }

  /** Lists once (resolves then) and keeps watching until stop(); re-lists when a watch ends. */
  async start(): Promise<void> {
    let rv = await this.#list();
    this.#done = (async () => {
      let failures = 0;
      while (!this.#abort.signal.aborted && failures < 20) {
        try {
          for await (const ev of this.#pods.watch(
            this.#namespace,
            { resourceVersion: rv, allowWatchBookmarks: true },
            this.#abort.signal,
          )) {
            if (ev.type === "ERROR") throw new Error(`watch error: ${JSON.stringify(ev.object)}`);
            rv = ev.object.metadata.resourceVersion ?? rv;
            if (ev.type === "BOOKMARK") continue;
            const name = ev.object.metadata.name ?? "";
            if (ev.type === "DELETED") this.#current.delete(name);
            else this.#current.set(name, ev.object);
            this.#waiters.offer(ev.object);
          }
          failures = 0;
        } catch (err) {
          if (this.#abort.signal.aborted) break;
          this.#error = err;
          failures++;
          await new Promise((r) => setTimeout(r, 200));
          rv = await this.#list().catch(() => rv);
        }
      }
    })();
  }

  async #list(): Promise<string> {
    const list = await this.#pods.list(this.#namespace);
    this.#current.clear();
    for (const pod of list.items) this.#current.set(pod.metadata.name ?? "", pod);
    return list.metadata.resourceVersion ?? "0";
  }

  /** The pods as last seen, optionally those whose labels include `labels`. */
  pods(labels: Record<string, string> = {}): KubeObject[] {
    return [...this.#current.values()].filter((p) =>
      Object.entries(labels).every(([k, v]) => p.metadata.labels?.[k] === v),
    );
  }

  /** The next event whose pod `accept` takes. */
  next(
    accept: (pod: KubeObject) => boolean,
    o: { timeoutMs: number; what: string },
  ): Promise<Seen<KubeObject>> {
    return this.#waiters.next(accept, o).catch((err: unknown) => {
      throw this.#withWatchError(err);
    });
  }

  /** Resolves (at once, or on a later event) once `cond` holds over the pods seen. */
  async until(cond: () => boolean, o: { timeoutMs: number; what: string }): Promise<number> {
    if (cond()) return performance.now();
    return (await this.next(() => cond(), o)).at;
  }

  #withWatchError(err: unknown): unknown {
    if (this.#error === undefined || !(err instanceof Error)) return err;
    return new Error(`${err.message} (the pod watch failed: ${String(this.#error)})`);
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#done;
  }
}
