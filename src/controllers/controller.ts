// The shape of every controller started by startControllers, and what they are built from.
import type { Logger } from "pino";
import type { ClusterClient } from "../api/client/cluster.js";
import type { Clock } from "./clock.js";
import type { InformerFactory } from "./informers.js";

export interface Controller {
  readonly name: string;
  /**
   * Registers its informer handlers (before its first await), waits for the informers to sync,
   * then runs its workers; resolves once `signal` aborted and the workers finished.
   */
  start(signal: AbortSignal): Promise<void>;
}

/** What a controller's constructor gets from the composition root. */
export interface ControllerContext {
  client: ClusterClient;
  informers: InformerFactory;
  logger: Logger;
  clock: Clock;
}
