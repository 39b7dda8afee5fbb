// URLs of the Kubernetes API for a ResourceDef: /api/v1/... for the core group,
// /apis/GROUP/VERSION/... otherwise, with /namespaces/NS for namespaced resources.
import type { ResourceDef } from "../resources/def.js";

export type QueryValue = string | number | boolean | undefined;

/** `/api/v1/namespaces/NS/pods/NAME/status`; a namespaced resource without namespace lists all. */
export function resourcePath(
  def: Pick<ResourceDef, "group" | "version" | "resource" | "namespaced">,
  o: { namespace?: string | undefined; name?: string; subresource?: string } = {},
): string {
  const base = def.group === "" ? `/api/${def.version}` : `/apis/${def.group}/${def.version}`;
  const parts = [base];
  if (def.namespaced && o.namespace !== undefined && o.namespace !== "") {
    parts.push("namespaces", encodeURIComponent(o.namespace));
  }
  parts.push(def.resource);
  if (o.name !== undefined) parts.push(encodeURIComponent(o.name));
  if (o.subresource !== undefined) parts.push(o.subresource);
  return parts.join("/");
}

/** `?a=1&b=x` of the defined values (empty string when none). */
export function queryString(params: Readonly<Record<string, QueryValue>>): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    q.set(key, String(value));
  }
  const text = q.toString();
  return text === "" ? "" : `?${text}`;
}
