// Mutating admission the API server applies to every create (and update) of an object, after
// decoding and before defaulting: Kubernetes' DefaultTolerationSeconds plugin, which lets a pod
// tolerate a NotReady or unreachable node for a while (300 s) before the node lifecycle
// controller evicts it.
import type { KubeObject } from "../types.js";
import type { ResourceDef } from "./deps.js";
import { isRecord } from "./object-util.js";

export interface AdmissionOptions {
  /** tolerationSeconds of the added `node.kubernetes.io/not-ready:NoExecute` toleration. */
  defaultNotReadyTolerationSeconds?: number;
  /** tolerationSeconds of the added `node.kubernetes.io/unreachable:NoExecute` toleration. */
  defaultUnreachableTolerationSeconds?: number;
}

export const DEFAULT_TOLERATION_SECONDS = 300;
export const TAINT_NOT_READY = "node.kubernetes.io/not-ready";
export const TAINT_UNREACHABLE = "node.kubernetes.io/unreachable";

/** Whether a toleration covers the NoExecute taint `key` (an empty key or effect matches all). */
function tolerates(t: unknown, key: string): boolean {
  if (!isRecord(t)) return false;
  const k = typeof t.key === "string" ? t.key : "";
  const effect = typeof t.effect === "string" ? t.effect : "";
  return (k === key || k === "") && (effect === "NoExecute" || effect === "");
}

/** Applies the admission plugins to `obj` in place (only pods are touched). */
export function admit(def: ResourceDef, obj: KubeObject, o: AdmissionOptions): void {
  if (def.group !== "" || def.resource !== "pods") return;
  if (!isRecord(obj.spec)) return;
  const spec = obj.spec;
  const existing = spec.tolerations;
  if (existing !== undefined && existing !== null && !Array.isArray(existing)) return; // validation reports it
  const tolerations: unknown[] = Array.isArray(existing) ? [...existing] : [];
  const wanted: [string, number][] = [
    [TAINT_NOT_READY, o.defaultNotReadyTolerationSeconds ?? DEFAULT_TOLERATION_SECONDS],
    [TAINT_UNREACHABLE, o.defaultUnreachableTolerationSeconds ?? DEFAULT_TOLERATION_SECONDS],
  ];
  let added = false;
  for (const [key, seconds] of wanted) {
    if (tolerations.some((t) => tolerates(t, key))) continue;
    tolerations.push({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: seconds });
    added = true;
  }
  if (added) spec.tolerations = tolerations;
}
