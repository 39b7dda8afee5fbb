// autoscaling HorizontalPodAutoscaler: v2 is stored; v1 is a view converted both ways
// (targetCPUUtilizationPercentage <-> a Resource cpu Utilization metric).

import type { StatusCause } from "../errors.js";
import type { KubeObject } from "../types.js";
import { hpaV1Schema, hpaV2Schema, v1Gvk, v2Gvk } from "./autoscaling-hpa-schema.js";
import { defineResource, type ResourceDef } from "./def.js";
import { invalidValue, notSupported, required } from "./field-errors.js";
import { child, isObject, listAt, numAt, objAt, setDefault, strAt, type JsonObject } from "./json.js";
import { isDNS1123Subdomain } from "./names.js";
import { col } from "./table.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./validate-meta.js";

const cpuUtilization = (key: "target" | "current", n: number): JsonObject => ({
  type: "Resource",
  resource: {
    name: "cpu",
    [key]: key === "target" ? { type: "Utilization", averageUtilization: n } : { averageUtilization: n },
  },
});

function copyDefined(from: JsonObject, to: JsonObject, keys: string[]): void {
  for (const k of keys) if (from[k] !== undefined) to[k] = from[k];
}

const SPEC_KEYS = ["scaleTargetRef", "minReplicas", "maxReplicas"];
const STATUS_KEYS = ["observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas"];

export function hpaV1ToV2(o: KubeObject): KubeObject {
  const out: KubeObject = {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: o.metadata,
  };
  const spec = objAt(o, "spec") ?? {};
  const outSpec: JsonObject = {};
  copyDefined(spec, outSpec, SPEC_KEYS);
  const target = numAt(spec, "targetCPUUtilizationPercentage");
  if (target !== undefined) outSpec.metrics = [cpuUtilization("target", target)];
  out.spec = outSpec;
  const status = objAt(o, "status");
  if (status) {
    const outStatus: JsonObject = {};
    copyDefined(status, outStatus, STATUS_KEYS);
    const current = numAt(status, "currentCPUUtilizationPercentage");
    if (current !== undefined) outStatus.currentMetrics = [cpuUtilization("current", current)];
    out.status = outStatus;
  }
  return out;
}

function cpuUtilizationOf(metrics: unknown[], key: "target" | "current"): number | undefined {
  for (const m of metrics) {
    const r = objAt(m, "resource");
    if (strAt(m, "type") === "Resource" && strAt(r, "name") === "cpu") {
      const v = numAt(objAt(r, key), "averageUtilization");
      if (v !== undefined) return v;
    }
  }
  return undefined;
}

export function hpaV2ToV1(o: KubeObject): KubeObject {
  const out: KubeObject = {
    apiVersion: "autoscaling/v1",
    kind: "HorizontalPodAutoscaler",
    metadata: o.metadata,
  };
  const spec = objAt(o, "spec") ?? {};
  const outSpec: JsonObject = {};
  copyDefined(spec, outSpec, SPEC_KEYS);
  const target = cpuUtilizationOf(listAt(spec, "metrics"), "target");
  if (target !== undefined) outSpec.targetCPUUtilizationPercentage = target;
  out.spec = outSpec;
  const status = objAt(o, "status");
  if (status) {
    const outStatus: JsonObject = {};
    copyDefined(status, outStatus, STATUS_KEYS);
    const current = cpuUtilizationOf(listAt(status, "currentMetrics"), "current");
    if (current !== undefined) outStatus.currentCPUUtilizationPercentage = current;
    setDefault(outStatus, "currentReplicas", 0);
    setDefault(outStatus, "desiredReplicas", 0);
    out.status = outStatus;
  }
  return out;
}

function scalingRules(rules: unknown, defaults: JsonObject): JsonObject {
  const r: JsonObject = isObject(rules) ? rules : {};
  for (const [k, v] of Object.entries(defaults)) setDefault(r, k, structuredClone(v));
  return r;
}

const SCALE_UP = {
  stabilizationWindowSeconds: 0,
  selectPolicy: "Max",
  policies: [
    { type: "Pods", value: 4, periodSeconds: 15 },
    { type: "Percent", value: 100, periodSeconds: 15 },
  ],
};
const SCALE_DOWN = { selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] };

/** SetDefaults_HorizontalPodAutoscaler (v2): minReplicas 1, cpu 80% when no metric, behavior gaps. */
export function setHpaV2Defaults(o: KubeObject): void {
  const spec = child(o, "spec");
  setDefault(spec, "minReplicas", 1);
  if (listAt(spec, "metrics").length === 0) spec.metrics = [cpuUtilization("target", 80)];
  const behavior = objAt(spec, "behavior");
  if (behavior) {
    behavior.scaleUp = scalingRules(behavior.scaleUp, SCALE_UP);
    behavior.scaleDown = scalingRules(behavior.scaleDown, SCALE_DOWN);
  }
}

function validateCommon(o: KubeObject, old: KubeObject | undefined): StatusCause[] {
  const out = validateObjectMeta(o, { namespaced: true, name: isDNS1123Subdomain });
  if (old) out.push(...validateObjectMetaUpdate(o, old));
  const spec = objAt(o, "spec") ?? {};
  const ref = objAt(spec, "scaleTargetRef");
  if (!strAt(ref, "kind")) out.push(required("spec.scaleTargetRef.kind"));
  if (!strAt(ref, "name")) out.push(required("spec.scaleTargetRef.name"));
  const min = numAt(spec, "minReplicas");
  const max = numAt(spec, "maxReplicas");
  if (min !== undefined && min < 1)
    out.push(invalidValue("spec.minReplicas", min, "must be greater than or equal to 1"));
  if (max === undefined || max < 1)
    out.push(invalidValue("spec.maxReplicas", max ?? 0, "must be greater than 0"));
  else if (min !== undefined && max < min)
    out.push(invalidValue("spec.maxReplicas", max, "must be greater than or equal to `minReplicas`"));
  return out;
}

const METRIC_TYPES = ["ContainerResource", "External", "Object", "Pods", "Resource"];
const TARGET_TYPES = ["AverageValue", "Utilization", "Value"];

function validateMetric(m: unknown, p: string): StatusCause[] {
  const type = strAt(m, "type");
  if (!type) return [required(`${p}.type`)];
  if (!METRIC_TYPES.includes(type)) return [notSupported(`${p}.type`, type, METRIC_TYPES)];
  const key = type.charAt(0).toLowerCase() + type.slice(1);
  const source = objAt(m, key);
  if (!source) return [required(`${p}.${key}`, "must populate information for the given metric source")];
  const out: StatusCause[] = [];
  const target = objAt(source, "target");
  const tt = strAt(target, "type");
  if (!tt) out.push(required(`${p}.${key}.target.type`, "must specify a metric target type"));
  else if (!TARGET_TYPES.includes(tt)) out.push(notSupported(`${p}.${key}.target.type`, tt, TARGET_TYPES));
  const util = numAt(target, "averageUtilization");
  if (util !== undefined && util < 1)
    out.push(invalidValue(`${p}.${key}.target.averageUtilization`, util, "must be greater than 0"));
  return out;
}

function validateV2(o: KubeObject, old?: KubeObject): StatusCause[] {
  const out = validateCommon(o, old);
  listAt(objAt(o, "spec"), "metrics").forEach((m, i) => out.push(...validateMetric(m, `spec.metrics[${i}]`)));
  return out;
}

function validateV1(o: KubeObject, old?: KubeObject): StatusCause[] {
  const out = validateCommon(o, old);
  const t = numAt(objAt(o, "spec"), "targetCPUUtilizationPercentage");
  if (t !== undefined && t < 1)
    out.push(invalidValue("spec.targetCPUUtilizationPercentage", t, "must be greater than 0"));
  return out;
}

/** The Targets cell (formatHPAMetrics): `cpu: 50%/80%`, at most 2 then `+ N more...`. */
export function formatHpaTargets(hpa: KubeObject): string {
  const specs = listAt(objAt(hpa, "spec"), "metrics");
  const statuses = listAt(objAt(hpa, "status"), "currentMetrics");
  if (specs.length === 0) return "<none>";
  const list: string[] = [];
  const max = 2;
  specs.forEach((spec, i) => {
    if (list.length >= max) return;
    const st = statuses[i];
    const type = strAt(spec, "type") ?? "";
    const key = type.charAt(0).toLowerCase() + type.slice(1);
    const target = objAt(objAt(spec, key), "target");
    const current = objAt(objAt(st, key), "current");
    if (type === "Resource" || type === "ContainerResource") {
      const name = strAt(objAt(spec, key), "name") ?? "";
      const prefix =
        type === "ContainerResource" ? `${name} (container ${strAt(objAt(spec, key), "container")})` : name;
      if (target?.averageValue !== undefined) {
        const cur = current?.averageValue !== undefined ? String(current.averageValue) : "<unknown>";
        list.push(`${prefix}: ${cur}/${String(target.averageValue)}`);
      } else {
        const curU = numAt(current, "averageUtilization");
        const tgtU = numAt(target, "averageUtilization");
        list.push(
          `${prefix}: ${curU !== undefined ? `${curU}%` : "<unknown>"}/${tgtU !== undefined ? `${tgtU}%` : "<auto>"}`,
        );
      }
    } else {
      const tv = target?.averageValue ?? target?.value;
      const cv = current?.averageValue ?? current?.value;
      list.push(
        `${cv !== undefined ? String(cv) : "<unknown>"}/${tv !== undefined ? String(tv) : "<unknown>"}${target?.averageValue !== undefined && type !== "Pods" ? " (avg)" : ""}`,
      );
    }
  });
  const joined = list.join(", ");
  return specs.length > max ? `${joined} + ${specs.length - max} more...` : joined;
}

const columns = [
  col("Reference", "string", "The identifier for the scaled object."),
  col("Targets", "string", "The current and target metrics of the autoscaler."),
  col("MinPods", "string", "The lower limit for the number of pods that can be set by the autoscaler."),
  col("MaxPods", "string", "The upper limit for the number of pods that can be set by the autoscaler."),
  col("Replicas", "string", "Current number of replicas of pods managed by this autoscaler."),
];

function cells(v2: KubeObject): unknown[] {
  const spec = objAt(v2, "spec");
  const ref = objAt(spec, "scaleTargetRef");
  const min = numAt(spec, "minReplicas");
  return [
    `${strAt(ref, "kind") ?? ""}/${strAt(ref, "name") ?? ""}`,
    formatHpaTargets(v2),
    min !== undefined ? String(min) : "<unset>",
    numAt(spec, "maxReplicas") ?? 0,
    numAt(objAt(v2, "status"), "currentReplicas") ?? 0,
  ];
}

const common = {
  resource: "horizontalpodautoscalers",
  shortNames: ["hpa"],
  categories: ["all"],
  namespaced: true,
  status: true,
  storageVersion: "v2",
  columns,
};

export const hpaV2Def: ResourceDef = defineResource({
  ...v2Gvk,
  ...common,
  schema: hpaV2Schema,
  setDefaults: setHpaV2Defaults,
  validate: validateV2,
  cells,
});

export const hpaV1Def: ResourceDef = defineResource({
  ...v1Gvk,
  ...common,
  schema: hpaV1Schema,
  // Stored objects are defaulted in the storage version (a v1 HPA without a target gets cpu 80%).
  toStorage: (o) => {
    const v2 = hpaV1ToV2(o);
    setHpaV2Defaults(v2);
    return v2;
  },
  fromStorage: hpaV2ToV1,
  setDefaults: (o) => setDefault(child(o, "spec"), "minReplicas", 1),
  validate: validateV1,
  cells: (o) => cells(hpaV1ToV2(o)),
});
