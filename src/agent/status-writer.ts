// Writes one pod's status through updateStatus only when it differs from both the stored
// status and the last one written (kubelet's status manager), retrying a conflict once on a
// fresh copy of the pod.
import type { Logger } from "pino";
import type { ResourceApi } from "../api/client/cluster.js";
import type { JsonObject } from "../api/resources/json.js";
import type { KubeObject } from "../api/types.js";
import { hasReason } from "./api-errors.js";
import { canonical } from "./pod-status.js";

export class StatusWriter {
  readonly #pods: ResourceApi;
  readonly #logger: Logger;
  #lastWritten: string | undefined;

  constructor(o: { pods: ResourceApi; logger: Logger }) {
    this.#pods = o.pods;
    this.#logger = o.logger;
  }

  /**
   * Stores `status` on `pod` when it changed; answers the pod as stored afterwards, or
   * undefined when nothing was written (or the pod is gone).
   */
  async write(pod: KubeObject, status: JsonObject): Promise<KubeObject | undefined> {
    const want = canonical(status);
    if (want === canonical(pod.status) || want === this.#lastWritten) return undefined;
    try {
      const stored = await this.#pods.updateStatus({ ...pod, status });
      this.#lastWritten = want;
      return stored;
    } catch (err) {
      if (hasReason(err, "NotFound")) return undefined;
      if (!hasReason(err, "Conflict")) throw err;
      const fresh = await this.#pods.find(pod.metadata.namespace, pod.metadata.name ?? "");
      if (!fresh || fresh.metadata.uid !== pod.metadata.uid) return undefined;
      this.#logger.debug({ pod: pod.metadata.name }, "pod status conflict; writing on the fresh copy");
      const stored = await this.#pods.updateStatus({ ...fresh, status });
      this.#lastWritten = want;
      return stored;
    }
  }
}
