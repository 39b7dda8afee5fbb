// Validation shared by every kind: ObjectMeta (ValidateObjectMeta), labels, annotations and label
// selectors, with the field paths and words of apimachinery's validation.

import type { StatusCause } from "../errors.js";
import type { KubeObject } from "../types.js";
import { forbidden, immutable, invalidValue, required, tooLong } from "./field-errors.js";
import { isDNS1123Label, isQualifiedName, isValidLabelValue } from "./names.js";

export type NameValidator = (name: string) => string[];

const TOTAL_ANNOTATION_SIZE = 256 * 1024;

function isStringMap(v: unknown): v is Record<string, string> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function validateLabels(labels: unknown, path: string): StatusCause[] {
  if (!isStringMap(labels)) return [];
  const out: StatusCause[] = [];
  for (const [k, v] of Object.entries(labels)) {
    for (const msg of isQualifiedName(k)) out.push(invalidValue(path, k, msg));
    for (const msg of isValidLabelValue(String(v))) out.push(invalidValue(path, v, msg));
  }
  return out;
}

function validateAnnotations(annotations: unknown, path: string): StatusCause[] {
  if (!isStringMap(annotations)) return [];
  const out: StatusCause[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const msg of isQualifiedName(k.toLowerCase())) out.push(invalidValue(path, k, msg));
    size += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  if (size > TOTAL_ANNOTATION_SIZE) out.push(tooLong(path, TOTAL_ANNOTATION_SIZE));
  return out;
}

/** The part of generateName that names are checked against (a trailing '-' is allowed). */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith("-") ? `${name.slice(0, -2)}a` : name;
}

export function validateObjectMeta(
  obj: KubeObject,
  o: { namespaced: boolean; name: NameValidator },
): StatusCause[] {
  const m = obj.metadata ?? {};
  const out: StatusCause[] = [];
  if (m.generateName && !m.name) {
    for (const msg of o.name(maskTrailingDash(m.generateName)))
      out.push(invalidValue("metadata.generateName", m.generateName, msg));
  }
  if (!m.name) {
    if (!m.generateName) out.push(required("metadata.name", "name or generateName is required"));
  } else {
    for (const msg of o.name(m.name)) out.push(invalidValue("metadata.name", m.name, msg));
  }
  if (o.namespaced) {
    if (!m.namespace) out.push(required("metadata.namespace"));
    else
      for (const msg of isDNS1123Label(m.namespace))
        out.push(invalidValue("metadata.namespace", m.namespace, msg));
  } else if (m.namespace) {
    out.push(forbidden("metadata.namespace", "not allowed on this type"));
  }
  out.push(...validateLabels(m.labels, "metadata.labels"));
  out.push(...validateAnnotations(m.annotations, "metadata.annotations"));
  (m.ownerReferences ?? []).forEach((r, i) => {
    const p = `metadata.ownerReferences[${i}]`;
    if (!r.apiVersion)
      out.push(invalidValue(`${p}.apiVersion`, r.apiVersion ?? "", "version must not be empty"));
    if (!r.kind) out.push(invalidValue(`${p}.kind`, r.kind ?? "", "kind must not be empty"));
    if (!r.name) out.push(invalidValue(`${p}.name`, r.name ?? "", "name must not be empty"));
    if (!r.uid) out.push(invalidValue(`${p}.uid`, r.uid ?? "", "uid must not be empty"));
  });
  if ((m.ownerReferences ?? []).filter((r) => r.controller).length > 1)
    out.push(
      invalidValue(
        "metadata.ownerReferences",
        m.ownerReferences,
        "Only one reference can have Controller set to true",
      ),
    );
  (m.finalizers ?? []).forEach((f, i) => {
    for (const msg of isQualifiedName(f)) out.push(invalidValue(`metadata.finalizers[${i}]`, f, msg));
  });
  return out;
}

/** ValidateObjectMetaUpdate: identity fields never change. */
export function validateObjectMetaUpdate(obj: KubeObject, old: KubeObject): StatusCause[] {
  const out: StatusCause[] = [];
  const [n, o] = [obj.metadata ?? {}, old.metadata ?? {}];
  if (n.name !== o.name) out.push(immutable("metadata.name", n.name ?? ""));
  if ((n.namespace ?? "") !== (o.namespace ?? ""))
    out.push(immutable("metadata.namespace", n.namespace ?? ""));
  if (n.uid !== undefined && o.uid !== undefined && n.uid !== o.uid)
    out.push(immutable("metadata.uid", n.uid));
  if (
    n.creationTimestamp !== undefined &&
    o.creationTimestamp !== undefined &&
    n.creationTimestamp !== o.creationTimestamp
  )
    out.push(immutable("metadata.creationTimestamp", n.creationTimestamp));
  return out;
}

export function validateLabelSelector(sel: unknown, path: string): StatusCause[] {
  if (!isStringMap(sel)) return [];
  const s = sel as { matchLabels?: unknown; matchExpressions?: unknown };
  const out = validateLabels(s.matchLabels, `${path}.matchLabels`);
  const exprs = Array.isArray(s.matchExpressions) ? s.matchExpressions : [];
  exprs.forEach((e: unknown, i) => {
    const x = (isStringMap(e) ? e : {}) as { key?: string; operator?: string; values?: unknown[] };
    const p = `${path}.matchExpressions[${i}]`;
    const values = Array.isArray(x.values) ? x.values : [];
    if (x.operator === "In" || x.operator === "NotIn") {
      if (values.length === 0)
        out.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (x.operator === "Exists" || x.operator === "DoesNotExist") {
      if (values.length > 0)
        out.push(
          forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
        );
    } else {
      out.push(invalidValue(`${p}.operator`, x.operator ?? "", "not a valid selector operator"));
    }
    for (const msg of isQualifiedName(x.key ?? "")) out.push(invalidValue(`${p}.key`, x.key ?? "", msg));
  });
  return out;
}

/** Whether a LabelSelector selects a label set (an empty selector selects everything). */
export function selectorMatches(sel: unknown, labels: Record<string, string> | undefined): boolean {
  if (!isStringMap(sel)) return false;
  const s = sel as {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
  };
  const l = labels ?? {};
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of s.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const val = l[e.key];
    switch (e.operator) {
      case "In":
        if (!has || !(e.values ?? []).includes(val ?? "")) return false;
        break;
      case "NotIn":
        if (has && (e.values ?? []).includes(val ?? "")) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** Whether a selector has no requirements at all (matches everything). */
export function selectorIsEmpty(sel: unknown): boolean {
  if (!isStringMap(sel)) return true;
  const s = sel as { matchLabels?: object; matchExpressions?: unknown[] };
  return Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;
}
