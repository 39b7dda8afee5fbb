// The end of a pod on this node: its containers stopped gracefully (preStop, then the grace
// period of the deletion: metadata.deletionGracePeriodSeconds, else the spec's), its final
// status written, the pod object deleted with grace 0 (the kubelet's half of graceful deletion,
// api/registry/graceful.ts being the server's), then its containers, sandbox and files removed.
import type { JsonObject } from "../api/resources/json.js";
import type { KubeObject } from "../api/types.js";
import { hasReason } from "./api-errors.js";
import type { ContainerRecord } from "./pod-runtime.js";
import type { PodWorkerContext } from "./pod-worker.js";
import { containerSpec, terminationGraceSeconds } from "./spec.js";
import type { StatusWriter } from "./status-writer.js";
import { stopGracefully } from "./termination.js";

export interface TerminateInput {
  pod: KubeObject;
  /** The pod already left the API (force deletion): nothing to write back. */
  gone: boolean;
  podIP: string;
  status: (records: ContainerRecord[]) => JsonObject;
  writer: StatusWriter;
}

export class PodTermination {
  readonly #ctx: PodWorkerContext;
  #done = false;
  #resolve: () => void = () => {};
  readonly finished: Promise<void>;

  constructor(ctx: PodWorkerContext) {
    this.#ctx = ctx;
    this.finished = new Promise((r) => (this.#resolve = r));
  }

  get done(): boolean {
    return this.#done;
  }

  async terminate(i: TerminateInput): Promise<void> {
    if (this.#done) return;
    const { runtime, logger } = this.#ctx;
    const uid = i.pod.metadata.uid ?? "";
    const list = () => runtime.listContainers(uid);
    const graceSeconds = i.pod.metadata.deletionGracePeriodSeconds ?? terminationGraceSeconds(i.pod);
    await Promise.all(
      list()
        .filter((r) => r.state !== "exited")
        .map((record) =>
          stopGracefully({
            ...this.#ctx,
            pod: i.pod,
            container: containerSpec(i.pod, record.name),
            record,
            podIP: i.podIP,
            graceSeconds,
            message: `Stopping container ${record.name}`,
          }),
        ),
    );
    const stopped = list();
    if (!i.gone) {
      await i.writer.write(i.pod, i.status(stopped));
      await this.#deletePod(i.pod);
    }
    await runtime.removeSandbox(uid);
    for (const r of stopped) {
      try {
        await runtime.removeContainer(r.id);
      } catch (err) {
        logger.debug({ err, container: r.id }, "could not remove a container of a deleted pod");
      }
    }
    await runtime.cleanupPod(uid);
    this.#ctx.starter.forget(uid);
    this.#ctx.restartBackoff.forgetPrefix(`${uid}/`);
    this.#done = true;
    this.#resolve();
  }

  async #deletePod(pod: KubeObject): Promise<void> {
    const uid = pod.metadata.uid ?? "";
    try {
      await this.#ctx.pods.delete(pod.metadata.namespace, pod.metadata.name ?? "", {
        gracePeriodSeconds: 0,
        preconditions: { uid },
      });
    } catch (err) {
      if (!hasReason(err, "NotFound") && !hasReason(err, "Conflict")) throw err;
    }
  }
}
