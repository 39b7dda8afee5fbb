// core/v1 Secret. stringData is write-only: defaulting folds it into data as the real
// server's conversion does, so it is never stored.

import type { StatusCause } from "../errors.js";
import type { KubeObject } from "../types.js";
import { validateDataKeys, validateImmutableData } from "./core-configmap.js";
import { defineResource } from "./def.js";
import { immutable, invalidValue, required } from "./field-errors.js";
import { child, isObject, setDefault } from "./json.js";
import { isDNS1123Subdomain } from "./names.js";
import { kindSchema } from "./schema-meta.js";
import { bool, bytes, map, str, strMap } from "./schema.js";
import { col } from "./table.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./validate-meta.js";

const gvk = { group: "", version: "v1", kind: "Secret" };

const schema = kindSchema(
  gvk,
  "io.k8s.api.core.v1.Secret",
  {
    data: map(bytes(), "Secret data; values are base64 encoded."),
    immutable: bool("If true, only object metadata can be modified; the data cannot be updated."),
    stringData: strMap(
      "Write-only convenience field for non-binary secret data in string form, merged into data on write.",
    ),
    type: str("Used to facilitate programmatic handling of secret data; defaults to Opaque."),
  },
  "Secret holds secret data of a certain type.",
);

function setDefaults(s: KubeObject): void {
  setDefault(s, "type", "Opaque");
  if (isObject(s.stringData)) {
    const data = child(s, "data");
    for (const [k, v] of Object.entries(s.stringData))
      data[k] = Buffer.from(String(v), "utf8").toString("base64");
    delete s.stringData;
  }
}

/** Where Go's base64 decoder stops on `v`, or undefined when it is valid standard base64. */
function base64ErrorAt(v: string): number | undefined {
  const clean = v.replace(/[\r\n]/g, "");
  const m = /^[A-Za-z0-9+/]*={0,2}$/.exec(clean);
  if (m && clean.length % 4 === 0) {
    const pad = clean.indexOf("=");
    if (pad < 0 || pad >= clean.length - 2) return undefined;
  }
  const bad = clean.search(/[^A-Za-z0-9+/=]/);
  if (bad >= 0) return bad;
  return Math.max(0, clean.length - (clean.length % 4 || 4));
}

const REQUIRED_KEYS: Record<string, string[]> = {
  "kubernetes.io/dockercfg": [".dockercfg"],
  "kubernetes.io/dockerconfigjson": [".dockerconfigjson"],
  "kubernetes.io/tls": ["tls.crt", "tls.key"],
};

function validate(s: KubeObject, old?: KubeObject): StatusCause[] {
  const out = [
    ...validateObjectMeta(s, { namespaced: true, name: isDNS1123Subdomain }),
    ...validateDataKeys(s, ["data", undefined]),
  ];
  const data = isObject(s.data) ? s.data : {};
  for (const [k, v] of Object.entries(data)) {
    if (typeof v !== "string") continue;
    const at = base64ErrorAt(v);
    if (at !== undefined)
      out.push(
        invalidValue(`data[${k}]`, "<secret contents redacted>", `illegal base64 data at input byte ${at}`),
      );
  }
  const type = typeof s.type === "string" ? s.type : "Opaque";
  for (const key of REQUIRED_KEYS[type] ?? []) if (!(key in data)) out.push(required(`data[${key}]`));
  if (
    type === "kubernetes.io/service-account-token" &&
    !s.metadata.annotations?.["kubernetes.io/service-account.name"]
  )
    out.push(required("metadata.annotations[kubernetes.io/service-account.name]"));
  if (old) {
    out.push(...validateObjectMetaUpdate(s, old), ...validateImmutableData(s, old, ["data"]));
    if ((old.type ?? "Opaque") !== type) out.push(immutable("type", type));
  }
  return out;
}

export const secretDef = defineResource({
  ...gvk,
  resource: "secrets",
  namespaced: true,
  schema,
  setDefaults,
  validate,
  columns: [
    col("Type", "string", "The type of the secret"),
    col("Data", "string", "The number of entries in the secret"),
  ],
  cells: (s) => [
    typeof s.type === "string" ? s.type : "",
    Object.keys(isObject(s.data) ? s.data : {}).length,
  ],
  fieldSelectors: { type: (s) => (typeof s.type === "string" ? s.type : "") },
});
