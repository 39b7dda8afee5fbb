// The runtime's container records of one pod, grouped by container name: the current attempt
// and the one before it (the `lastState` and `kubectl logs --previous`).
import type { ContainerRecord } from "./pod-runtime.js";

export interface Attempts {
  current: ContainerRecord;
  previous?: ContainerRecord;
  /** Older exited attempts, to be removed. */
  older: ContainerRecord[];
}

export function byContainer(records: readonly ContainerRecord[]): Map<string, Attempts> {
  const groups = new Map<string, ContainerRecord[]>();
  for (const r of records) {
    const g = groups.get(r.name) ?? [];
    g.push(r);
    groups.set(r.name, g);
  }
  const out = new Map<string, Attempts>();
  for (const [name, g] of groups) {
    g.sort((a, b) => b.attempt - a.attempt || b.createdAt.getTime() - a.createdAt.getTime());
    const [current, previous, ...older] = g as [ContainerRecord, ...ContainerRecord[]];
    out.set(name, { current, ...(previous && { previous }), older });
  }
  return out;
}
