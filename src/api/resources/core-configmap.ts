// core/v1 ConfigMap.

import type { StatusCause } from "../errors.js";
import type { KubeObject } from "../types.js";
import { defineResource } from "./def.js";
import { forbidden, invalidValue, tooLong } from "./field-errors.js";
import { isObject } from "./json.js";
import { isConfigMapKey, isDNS1123Subdomain } from "./names.js";
import { kindSchema } from "./schema-meta.js";
import { bool, bytes, map, strMap } from "./schema.js";
import { col } from "./table.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./validate-meta.js";

const gvk = { group: "", version: "v1", kind: "ConfigMap" };
const MAX_SIZE = 1024 * 1024;

const schema = kindSchema(
  gvk,
  "io.k8s.api.core.v1.ConfigMap",
  {
    binaryData: map(bytes(), "Binary data; keys must not overlap with the keys of data."),
    data: strMap("The configuration data; keys must consist of alphanumeric characters, '-', '_' or '.'."),
    immutable: bool("If true, only object metadata can be modified; the data cannot be updated."),
  },
  "ConfigMap holds configuration data for pods to consume.",
);

/** Keys of data and binaryData: syntax, no key in both, 1 MiB in total. */
export function validateDataKeys(obj: KubeObject, fields: [string, string | undefined]): StatusCause[] {
  const out: StatusCause[] = [];
  const [main, other] = fields;
  const data = isObject(obj[main]) ? (obj[main] as Record<string, unknown>) : {};
  const binary = other && isObject(obj[other]) ? (obj[other] as Record<string, unknown>) : {};
  let size = 0;
  for (const [field, entries] of [
    [main, data],
    [other ?? "", binary],
  ] as const) {
    for (const [k, v] of Object.entries(entries)) {
      for (const msg of isConfigMapKey(k)) out.push(invalidValue(`${field}[${k}]`, k, msg));
      size += typeof v === "string" ? v.length : 0;
    }
  }
  if (other)
    for (const k of Object.keys(binary))
      if (k in data) out.push(invalidValue(`${other}[${k}]`, k, "duplicate of key present in data"));
  if (size > MAX_SIZE) out.push(tooLong("", MAX_SIZE));
  return out;
}

/** Updates of an object marked immutable may change only metadata. */
export function validateImmutableData(obj: KubeObject, old: KubeObject, fields: string[]): StatusCause[] {
  if (old.immutable !== true) return [];
  const out: StatusCause[] = [];
  if (obj.immutable !== true) out.push(forbidden("immutable", "field is immutable when `immutable` is set"));
  for (const f of fields)
    if (JSON.stringify(obj[f] ?? {}) !== JSON.stringify(old[f] ?? {}))
      out.push(forbidden(f, "field is immutable when `immutable` is set"));
  return out;
}

export const configMapDef = defineResource({
  ...gvk,
  resource: "configmaps",
  shortNames: ["cm"],
  namespaced: true,
  schema,
  validate: (cm, old) => [
    ...validateObjectMeta(cm, { namespaced: true, name: isDNS1123Subdomain }),
    ...validateDataKeys(cm, ["data", "binaryData"]),
    ...(old
      ? [...validateObjectMetaUpdate(cm, old), ...validateImmutableData(cm, old, ["data", "binaryData"])]
      : []),
  ],
  columns: [col("Data", "string", "Number of data entries.")],
  cells: (cm) => [
    Object.keys(isObject(cm.data) ? cm.data : {}).length +
      Object.keys(isObject(cm.binaryData) ? cm.binaryData : {}).length,
  ],
});
