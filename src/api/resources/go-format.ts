// Values inside validation messages, printed as Go's fmt prints the Go values the real server
// holds: strings %q, numbers and booleans %v, maps and label selectors %#v.

/** Bad values as field.Error.ErrorBody prints them. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (v instanceof GoLiteral) return v.text;
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === "string"))
      return `[]string{${v.map((x) => JSON.stringify(x)).join(", ")}}`;
    return `[]interface {}{${v.map(goValue).join(", ")}}`;
  }
  if (typeof v === "object") return goStringMap(v as Record<string, unknown>);
  return String(v);
}

/** `map[string]string{"a":"b"}` (Go sorts map keys when printing). */
export function goStringMap(m: Record<string, unknown> | undefined): string {
  if (m === undefined) return "map[string]string(nil)";
  const entries = Object.keys(m)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(String(m[k]))}`);
  return `map[string]string{${entries.join(", ")}}`;
}

/** A metav1.LabelSelector pointer printed with %#v, as in the "field is immutable" message. */
export function goLabelSelector(sel: unknown): string {
  if (typeof sel !== "object" || sel === null) return "null";
  const s = sel as { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  const exprs =
    s.matchExpressions === undefined
      ? "[]v1.LabelSelectorRequirement(nil)"
      : `[]v1.LabelSelectorRequirement{${s.matchExpressions
          .map((e) => {
            const x = e as { key?: string; operator?: string; values?: string[] };
            const vals = x.values === undefined ? "[]string(nil)" : goValue(x.values);
            return `v1.LabelSelectorRequirement{Key:${JSON.stringify(x.key ?? "")}, Operator:${JSON.stringify(x.operator ?? "")}, Values:${vals}}`;
          })
          .join(", ")}}`;
  return `v1.LabelSelector{MatchLabels:${goStringMap(s.matchLabels)}, MatchExpressions:${exprs}}`;
}

/** A raw Go-printed value for messages that need one verbatim (wraps it so goValue keeps it). */
export class GoLiteral {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}
