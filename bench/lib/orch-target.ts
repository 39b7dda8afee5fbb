// What the orchestration benchmark asks of each orchestrator (Skiff through its Kubernetes API,
// Docker Swarm through the Engine API), so that one loop can measure both the same way. Every
// timed step starts its clock just before its API call and stops it when the orchestrator's
// own event stream (a pod watch, Docker's events) shows the result.

export type OrchName = "skiff" | "swarm";

export interface Workload {
  /** Deployment / service name. */
  name: string;
  replicas: number;
  /** Swarm's restart delay ("0s"); Swarm's default (5 s) when absent. Skiff ignores it. */
  restartDelay?: string;
}

/** Per replica of a startMany, in ms. */
export interface StartMany {
  /** From the Deployment / service create call to the replica's container running. */
  sinceWorkload: number[];
  /**
   * From the replica's own creation (Skiff: the pod first seen on the watch; Swarm: the task's
   * CreatedAt) to its container running: Kubernetes' pod startup SLO.
   */
  sinceReplica: number[];
}

export interface MemoryReport {
  /** The orchestrator's own server processes (skiff server; dockerd + containerd). */
  serverMiB: number;
  /** Its per-container helpers (conmon; containerd-shim). */
  helpersMiB: number;
  byName: Record<string, { count: number; mib: number }>;
}

export interface OrchTarget {
  readonly name: OrchName;
  /** `v` is 1 or 2: the same busybox httpd image under two tags. */
  image(v: 1 | 2): string;
  /**
   * One replica created (Skiff: a bare Pod; Swarm: a 1-replica service) and removed again:
   * ms from the create call to its container seen running.
   */
  startOne(name: string): Promise<number>;
  /** `n` replicas created at once (Deployment / service), left running. */
  startMany(name: string, n: number): Promise<StartMany>;
  /**
   * `n` single replicas (Skiff: bare Pods; Swarm: 1-replica services) created at a uniform
   * `perSecond`, as clusterloader2's one-node pod startup test does, then removed: ms from each
   * create call to that replica's container seen running.
   */
  startPaced(name: string, n: number, perSecond: number): Promise<number[]>;
  /** Creates the workload with image 1 and waits until all its replicas run. */
  deploy(w: Workload): Promise<void>;
  /** kill -9 of one replica's main process (a different one each call): ms until it runs again. */
  killOne(name: string): Promise<number>;
  /** Deletes one replica (pod / task container): ms until its replacement runs. */
  deleteOne(name: string): Promise<number>;
  /** Scales to `replicas`: ms until that many run (and are Ready). */
  scale(name: string, replicas: number): Promise<number>;
  /** Rolls the workload to image `v`: ms until every replica runs it (and is Ready). */
  update(name: string, v: 1 | 2): Promise<number>;
  /** Deletes the workload and waits (bounded) for its containers to go. */
  remove(name: string): Promise<void>;
  memory(): Promise<MemoryReport>;
  stop(): Promise<void>;
}

/** Polls `cond` every `intervalMs` until true; throws naming `what` after `timeoutMs`. */
export async function pollUntil(
  cond: () => Promise<boolean>,
  o: { timeoutMs: number; what: string; intervalMs?: number },
): Promise<void> {
  const deadline = performance.now() + o.timeoutMs;
  while (!(await cond())) {
    if (performance.now() > deadline) throw new Error(`no ${o.what} within ${o.timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 250));
  }
}

/**
 * Calls `start(i)` for i in 0..n-1 at a uniform `perSecond` (not waiting for one to finish before
 * the next is due, as clusterloader2's qps tuning sets) and collects what they resolve to.
 */
export async function atUniformRate<T>(
  n: number,
  perSecond: number,
  start: (i: number) => Promise<T>,
): Promise<T[]> {
  const t0 = performance.now();
  const started: Promise<T>[] = [];
  for (let i = 0; i < n; i++) {
    const wait = t0 + (i * 1000) / perSecond - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    started.push(start(i));
  }
  return Promise.all(started);
}
