// The node lifecycle controller's knobs, with Kubernetes' defaults; tests and the e2e shrink them.

export interface NodeLifecycleOptions {
  /** A node whose Lease (or Ready heartbeat) is older than this is Unknown (k8s 40 s). */
  gracePeriodMs?: number;
  /** How often nodes are checked (k8s nodeMonitorPeriod, 5 s). */
  monitorPeriodMs?: number;
  /** Evict pods from NoExecute-tainted nodes (k8s taint manager; default true). */
  evictionEnabled?: boolean;
  /** Namespace of the node Leases. */
  leaseNamespace?: string;
  /** Pods bound to a node that does not exist are force-deleted after this (k8s pod GC quarantine, 40 s). */
  orphanPodGraceMs?: number;
}

export type ResolvedNodeLifecycleOptions = Required<NodeLifecycleOptions>;

export function resolveOptions(o: NodeLifecycleOptions = {}): ResolvedNodeLifecycleOptions {
  return {
    gracePeriodMs: o.gracePeriodMs ?? 40_000,
    monitorPeriodMs: o.monitorPeriodMs ?? 5_000,
    evictionEnabled: o.evictionEnabled ?? true,
    leaseNamespace: o.leaseNamespace ?? "kube-node-lease",
    orphanPodGraceMs: o.orphanPodGraceMs ?? 40_000,
  };
}
