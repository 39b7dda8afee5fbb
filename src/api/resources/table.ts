// Building blocks of server-side Tables (kubectl-wire §6): the columns every printer shares and
// small readers for cells, formatted as Kubernetes' printers format them.

import type { KubeObject } from "../types.js";
import type { TableColumn } from "./def.js";
import { ageSince } from "./duration.js";

export const nameColumn: TableColumn = {
  name: "Name",
  type: "string",
  format: "name",
  description: "Name must be unique within a namespace.",
  priority: 0,
};

export const ageColumn: TableColumn = {
  name: "Age",
  type: "string",
  format: "",
  description: "CreationTimestamp is a timestamp representing the server time when this object was created.",
  priority: 0,
};

export function ageCell(obj: KubeObject, now: Date): string {
  return ageSince(obj.metadata.creationTimestamp, now);
}

/** A column definition; `wide` columns (priority 1) show only with `-o wide`. */
export function col(
  name: string,
  type: string,
  description: string,
  o: { wide?: boolean; format?: string } = {},
): TableColumn {
  return { name, type, format: o.format ?? "", description, priority: o.wide ? 1 : 0 };
}

/** The value at a dotted path of an object (undefined when any step is missing). */
export function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (typeof cur !== "object" || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export function str(obj: unknown, path: string): string | undefined {
  const v = at(obj, path);
  return typeof v === "string" ? v : undefined;
}

export function num(obj: unknown, path: string): number | undefined {
  const v = at(obj, path);
  return typeof v === "number" ? v : undefined;
}

export function arr(obj: unknown, path: string): unknown[] {
  const v = at(obj, path);
  return Array.isArray(v) ? v : [];
}

export function rec(obj: unknown, path: string): Record<string, unknown> {
  const v = at(obj, path);
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** `a=b,c=d` in key order, as labels.FormatLabels; `<none>` when empty. */
export function formatLabels(m: Record<string, unknown> | undefined): string {
  const keys = Object.keys(m ?? {}).sort();
  if (keys.length === 0) return "<none>";
  return keys.map((k) => `${k}=${String((m ?? {})[k])}`).join(",");
}

/** A LabelSelector as metav1.FormatLabelSelector prints it (`app=web,tier in (a,b)`). */
export function formatLabelSelector(sel: unknown): string {
  if (typeof sel !== "object" || sel === null) return "<none>";
  const s = sel as { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  const parts: string[] = [];
  for (const k of Object.keys(s.matchLabels ?? {}).sort()) parts.push(`${k}=${s.matchLabels?.[k] ?? ""}`);
  for (const e of s.matchExpressions ?? []) {
    const x = e as { key?: string; operator?: string; values?: string[] };
    const vals = [...(x.values ?? [])].sort().join(",");
    switch (x.operator) {
      case "In":
        parts.push(`${x.key} in (${vals})`);
        break;
      case "NotIn":
        parts.push(`${x.key} notin (${vals})`);
        break;
      case "Exists":
        parts.push(`${x.key}`);
        break;
      case "DoesNotExist":
        parts.push(`!${x.key}`);
        break;
    }
  }
  const out = parts.join(",");
  return out === "" ? "<none>" : out;
}

/** Comma-joined values, or `<none>`. */
export function listOrNone(values: string[]): string {
  return values.length === 0 ? "<none>" : values.join(",");
}

/** The names and images of a pod template's containers (Containers/Images wide columns). */
export function containerColumns(podSpec: unknown): [string, string] {
  const cs = arr(podSpec, "containers");
  return [cs.map((c) => str(c, "name") ?? "").join(","), cs.map((c) => str(c, "image") ?? "").join(",")];
}
