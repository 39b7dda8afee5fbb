// Whether tolerations tolerate a taint (v1.Toleration.ToleratesTaint): key (an empty key with
// Exists tolerates every key), effect (empty tolerates every effect), operator Equal or Exists.
import type { Taint, Toleration } from "./types.js";

export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  const operator = t.operator || "Equal";
  if (operator === "Exists") return true;
  if (operator !== "Equal") return false;
  return (t.value ?? "") === (taint.value ?? "");
}

export function toleratedBy(tolerations: readonly Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => tolerates(t, taint));
}

/** The first taint with one of `effects` that `tolerations` do not tolerate. */
export function firstUntolerated(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
  effects: readonly string[],
): Taint | undefined {
  return taints.find((taint) => effects.includes(taint.effect) && !toleratedBy(tolerations, taint));
}
