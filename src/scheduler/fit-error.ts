// The message of a pod that fits nowhere, as kube-scheduler's FitError words it:
// "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu."
// ("<count> <reason>" entries sorted as strings, then joined).

export const NO_NODES_AVAILABLE = "no nodes available to schedule pods";

export function fitErrorMessage(numNodes: number, reasons: ReadonlyMap<string, number>): string {
  if (numNodes === 0) return NO_NODES_AVAILABLE;
  const histogram = [...reasons].map(([reason, count]) => `${count} ${reason}`).sort(goStringLess);
  let msg = `0/${numNodes} nodes are available:`;
  if (histogram.length > 0) msg += ` ${histogram.join(", ")}.`;
  return msg;
}

/** Go's sort.Strings order: by UTF-8 bytes (for these ASCII strings, by char code). */
function goStringLess(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
