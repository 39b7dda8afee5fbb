// kube-scheduler's DefaultNormalizeScore: raw scores scaled to 0..100 by the highest one,
// optionally reversed (fewer is better).
import { MAX_NODE_SCORE } from "../types.js";

export function defaultNormalize(scores: number[], reverse: boolean): void {
  const max = Math.max(0, ...scores);
  for (let i = 0; i < scores.length; i++) {
    if (max === 0) {
      if (reverse) scores[i] = MAX_NODE_SCORE;
      continue;
    }
    const s = Math.floor((MAX_NODE_SCORE * (scores[i] ?? 0)) / max);
    scores[i] = reverse ? MAX_NODE_SCORE - s : s;
  }
}
