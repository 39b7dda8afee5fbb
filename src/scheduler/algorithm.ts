// One scheduling decision, pure: run the filters over every node, count why the others do not
// fit, score the feasible ones (weighted, normalized) and pick the best (ties at random).
import { fitErrorMessage } from "./fit-error.js";
import type { FilterPlugin, NodeView, PodInfo, ScorePlugin } from "./types.js";

export type ScheduleResult =
  | { node: string; feasible: number }
  | { node?: undefined; message: string; reasons: ReadonlyMap<string, number> };

export interface Profile {
  readonly filters: readonly FilterPlugin[];
  readonly scores: readonly ScorePlugin[];
  /** Uniform in [0, 1): breaks ties between equally scored nodes. */
  readonly random: () => number;
}

export function schedulePod(pod: PodInfo, nodes: readonly NodeView[], profile: Profile): ScheduleResult {
  const feasible: NodeView[] = [];
  const reasons = new Map<string, number>();
  for (const node of nodes) {
    const failed = firstFailure(pod, node, profile.filters);
    if (failed === undefined) feasible.push(node);
    else for (const r of failed) reasons.set(r, (reasons.get(r) ?? 0) + 1);
  }
  const [only] = feasible;
  if (only === undefined) return { message: fitErrorMessage(nodes.length, reasons), reasons };
  if (feasible.length === 1) return { node: only.name, feasible: 1 };
  return { node: pickBest(pod, feasible, profile), feasible: feasible.length };
}

/** Whether `pod` passes every filter on `node`. */
export function fits(pod: PodInfo, node: NodeView, filters: readonly FilterPlugin[]): boolean {
  return firstFailure(pod, node, filters) === undefined;
}

function firstFailure(
  pod: PodInfo,
  node: NodeView,
  filters: readonly FilterPlugin[],
): readonly string[] | undefined {
  for (const f of filters) {
    const reasons = f.filter(pod, node);
    if (reasons.length > 0) return reasons;
  }
  return undefined;
}

function pickBest(pod: PodInfo, nodes: readonly NodeView[], profile: Profile): string {
  const totals = new Float64Array(nodes.length);
  const scores = new Array<number>(nodes.length);
  for (const plugin of profile.scores) {
    for (let i = 0; i < nodes.length; i++) scores[i] = plugin.score(pod, nodes[i] as NodeView);
    plugin.normalize?.(scores);
    for (let i = 0; i < scores.length; i++) totals[i] = (totals[i] ?? 0) + (scores[i] ?? 0) * plugin.weight;
  }
  let best = -Infinity;
  let chosen = nodes[0]?.name ?? "";
  let ties = 0;
  for (let i = 0; i < nodes.length; i++) {
    const score = totals[i] ?? 0;
    if (score > best) {
      best = score;
      chosen = nodes[i]?.name ?? chosen;
      ties = 1;
    } else if (score === best) {
      ties++;
      if (profile.random() * ties < 1) chosen = nodes[i]?.name ?? chosen;
    }
  }
  return chosen;
}
