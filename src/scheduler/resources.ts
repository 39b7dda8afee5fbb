// Resource arithmetic as the scheduler does it: quantities to integers (cpu in millicores, rounded
// up like resource.Quantity's MilliValue), and a pod's effective request the way Kubernetes'
// resourcehelper.PodRequests adds containers, init containers, sidecars and overhead.
import { isObject, listAt, objAt, strAt } from "../api/resources/json.js";
import { parseQuantity } from "../api/resources/quantity.js";
import type { Resources } from "./types.js";

/** The scoring defaults for a container without a cpu or memory request (kube-scheduler's). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export function emptyResources(): Resources {
  return { milliCpu: 0, memory: 0, ephemeralStorage: 0, scalar: new Map() };
}

/** x rounded up to an integer, ignoring floating-point noise (0.1 * 1000 is 100, not 101). */
function ceilInt(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - r) < 1e-6 ? r : Math.ceil(x);
}

/** A ResourceList (`{cpu: "500m", memory: "1Gi", …}`) as Resources; `pods` is left out. */
export function parseResourceList(list: unknown): Resources {
  const out = emptyResources();
  if (!isObject(list)) return out;
  for (const [name, raw] of Object.entries(list)) {
    const q = parseQuantity(raw);
    if (q === undefined) continue;
    switch (name) {
      case "cpu":
        out.milliCpu = ceilInt(q * 1000);
        break;
      case "memory":
        out.memory = ceilInt(q);
        break;
      case "ephemeral-storage":
        out.ephemeralStorage = ceilInt(q);
        break;
      case "pods":
        break;
      default:
        out.scalar.set(name, ceilInt(q));
    }
  }
  return out;
}

/** `pods` of a ResourceList, or `fallback` when absent. */
export function podsOf(list: unknown, fallback: number): number {
  const q = isObject(list) ? parseQuantity(list["pods"]) : undefined;
  return q === undefined ? fallback : Math.floor(q);
}

export function addInto(into: Resources, r: Resources, sign = 1): void {
  into.milliCpu += sign * r.milliCpu;
  into.memory += sign * r.memory;
  into.ephemeralStorage += sign * r.ephemeralStorage;
  for (const [k, v] of r.scalar) {
    const next = (into.scalar.get(k) ?? 0) + sign * v;
    if (next === 0) into.scalar.delete(k);
    else into.scalar.set(k, next);
  }
}

function maxInto(into: Resources, r: Resources): void {
  into.milliCpu = Math.max(into.milliCpu, r.milliCpu);
  into.memory = Math.max(into.memory, r.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, r.ephemeralStorage);
  for (const [k, v] of r.scalar) into.scalar.set(k, Math.max(into.scalar.get(k) ?? 0, v));
}

function copy(r: Resources): Resources {
  return { ...r, scalar: new Map(r.scalar) };
}

/** A container's requests; with `nonZero`, missing cpu/memory requests take the scoring defaults. */
function containerRequests(container: unknown, nonZero: boolean): Resources {
  const requests = objAt(objAt(container, "resources"), "requests");
  const r = parseResourceList(requests);
  if (nonZero) {
    if (requests?.["cpu"] === undefined) r.milliCpu = DEFAULT_MILLI_CPU_REQUEST;
    if (requests?.["memory"] === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * The pod's effective request: the larger of (regular containers + sidecars) and the peak of
 * any init container (plus the sidecars started before it), then the pod overhead.
 */
export function podRequests(spec: unknown, o: { nonZero?: boolean } = {}): Resources {
  const nonZero = o.nonZero ?? false;
  const reqs = emptyResources();
  for (const c of listAt(spec, "containers")) addInto(reqs, containerRequests(c, nonZero));
  const sidecars = emptyResources();
  const initPeak = emptyResources();
  for (const c of listAt(spec, "initContainers")) {
    const r = containerRequests(c, nonZero);
    if (strAt(c, "restartPolicy") === "Always") {
      addInto(reqs, r);
      addInto(sidecars, r);
      maxInto(initPeak, sidecars);
    } else {
      const during = copy(r);
      addInto(during, sidecars);
      maxInto(initPeak, during);
    }
  }
  maxInto(reqs, initPeak);
  addInto(reqs, parseResourceList(objAt(spec, "overhead")));
  return reqs;
}

export function isZero(r: Resources): boolean {
  if (r.milliCpu !== 0 || r.memory !== 0 || r.ephemeralStorage !== 0) return false;
  for (const v of r.scalar.values()) if (v !== 0) return false;
  return true;
}
