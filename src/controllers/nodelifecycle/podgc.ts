// Orphaned pod collection (k8s PodGC gcOrphaned): pods bound to a node that no longer exists
// can never be finished by a node agent, so after a quarantine they are deleted at once.
import type { KubeObject } from "../../api/types.js";
import { isNotFound } from "../controller-ref.js";
import { objectKey, rec } from "../pod-util.js";
import { FIELD_MANAGER, type NodeLifecycleDeps } from "./deps.js";

export class OrphanPodCollector {
  readonly #d: NodeLifecycleDeps;
  /** Pod key → local time (ms) its node was first found missing. */
  readonly #since = new Map<string, number>();

  constructor(d: NodeLifecycleDeps) {
    this.#d = d;
  }

  async pass(): Promise<void> {
    const d = this.#d;
    const now = d.clock.now().getTime();
    const nodes = new Set(d.nodeInformer.items().map((n) => n.metadata.name));
    const orphans = d.podInformer.items().filter((p) => {
      const node = rec(p.spec).nodeName;
      return typeof node === "string" && node !== "" && !nodes.has(node);
    });
    const keys = new Set(orphans.map(objectKey));
    for (const k of this.#since.keys()) if (!keys.has(k)) this.#since.delete(k);
    const due: KubeObject[] = [];
    for (const p of orphans) {
      const since = this.#since.get(objectKey(p)) ?? now;
      this.#since.set(objectKey(p), since);
      if (now - since >= d.options.orphanPodGraceMs) due.push(p);
    }
    await Promise.all(due.map((p) => this.#forceDelete(p)));
  }

  async #forceDelete(pod: KubeObject): Promise<void> {
    const d = this.#d;
    d.logger.info(
      { pod: objectKey(pod), node: rec(pod.spec).nodeName },
      "deleting a pod of a node that is gone",
    );
    try {
      await d.pods.delete(pod.metadata.namespace, pod.metadata.name ?? "", {
        fieldManager: FIELD_MANAGER,
        gracePeriodSeconds: 0,
        preconditions: { uid: pod.metadata.uid ?? "" },
      });
      this.#since.delete(objectKey(pod));
    } catch (err) {
      if (!isNotFound(err)) d.logger.warn({ err, pod: objectKey(pod) }, "deleting an orphaned pod failed");
    }
  }
}
