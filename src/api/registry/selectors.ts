// Label and field selectors: the string forms of the API (`a=b,c in (x,y),!d`) and the
// LabelSelector objects of specs (matchLabels/matchExpressions), parsed once into matchers.
import { badRequest } from "../errors.js";
import { isRecord } from "./object-util.js";

export type LabelOperator = "=" | "!=" | "in" | "notin" | "exists" | "!" | "gt" | "lt";

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export interface LabelSelector {
  readonly requirements: readonly LabelRequirement[];
  /** True for the selector that matches nothing (a nil LabelSelector in a spec). */
  readonly nothing?: boolean;
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
  /** The canonical string form (`app=web,tier in (a,b)`). */
  toString(): string;
}

const KEY_RE =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function requirementMatches(r: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = labels[r.key];
  switch (r.operator) {
    case "=":
    case "in":
      return has && r.values.includes(value as string);
    case "!=":
    case "notin":
      return !has || !r.values.includes(value as string);
    case "exists":
      return has;
    case "!":
      return !has;
    case "gt":
    case "lt": {
      if (!has) return false;
      const n = Number(value);
      const bound = Number(r.values[0]);
      if (!Number.isInteger(n)) return false;
      return r.operator === "gt" ? n > bound : n < bound;
    }
  }
}

function requirementString(r: LabelRequirement): string {
  switch (r.operator) {
    case "exists":
      return r.key;
    case "!":
      return `!${r.key}`;
    case "in":
    case "notin":
      return `${r.key} ${r.operator} (${[...r.values].sort().join(",")})`;
    case "gt":
      return `${r.key}>${r.values[0] ?? ""}`;
    case "lt":
      return `${r.key}<${r.values[0] ?? ""}`;
    default:
      return `${r.key}${r.operator}${r.values[0] ?? ""}`;
  }
}

export function labelSelectorOf(requirements: LabelRequirement[], nothing = false): LabelSelector {
  return {
    requirements,
    nothing,
    matches(labels) {
      if (nothing) return false;
      const l = labels ?? {};
      return requirements.every((r) => requirementMatches(r, l));
    },
    toString() {
      return requirements.map(requirementString).join(",");
    },
  };
}

export const EVERYTHING: LabelSelector = labelSelectorOf([]);

function checkKey(key: string): void {
  if (!KEY_RE.test(key) || key.length > 316) {
    throw badRequest(
      `unable to parse requirement: invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
}

function checkValue(value: string): void {
  if (!VALUE_RE.test(value) || value.length > 63) {
    throw badRequest(
      `unable to parse requirement: invalid label value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
}

/** Splits at commas outside parentheses. */
function splitTerms(s: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

const SET_RE = /^(\S+)\s+(in|notin)\s*\(([^()]*)\)$/;
const CMP_RE = /^([^=!<>\s]+)\s*(==|=|!=|>|<)\s*(.*)$/;

function parseTerm(raw: string, whole: string): LabelRequirement {
  const term = raw.trim();
  if (term === "")
    throw badRequest(`unable to parse requirement: found '', expected: identifier in "${whole}"`);
  const set = SET_RE.exec(term);
  if (set) {
    const [, key, op, list] = set as unknown as [string, string, "in" | "notin", string];
    checkKey(key);
    const values = list
      .split(",")
      .map((v) => v.trim())
      .filter((v, _i, all) => v !== "" || all.length === 1);
    values.forEach(checkValue);
    return { key, operator: op, values: values.filter((v) => v !== "") };
  }
  const cmp = CMP_RE.exec(term);
  if (cmp) {
    const [, key, op, rawValue] = cmp as unknown as [string, string, string, string];
    const value = rawValue.trim();
    checkKey(key);
    if (op === ">" || op === "<") {
      if (!/^-?\d+$/.test(value))
        throw badRequest(
          `unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`,
        );
      return { key, operator: op === ">" ? "gt" : "lt", values: [value] };
    }
    checkValue(value);
    return { key, operator: op === "!=" ? "!=" : "=", values: [value] };
  }
  if (term.startsWith("!")) {
    const key = term.slice(1).trim();
    checkKey(key);
    return { key, operator: "!", values: [] };
  }
  checkKey(term);
  return { key: term, operator: "exists", values: [] };
}

/** Parses a label selector query string; "" or undefined selects everything. BadRequest on bad syntax. */
export function parseLabelSelector(s: string | undefined): LabelSelector {
  if (s === undefined || s.trim() === "") return EVERYTHING;
  return labelSelectorOf(splitTerms(s).map((t) => parseTerm(t, s)));
}

interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

const EXPRESSION_OPS: Readonly<Record<string, LabelOperator>> = {
  In: "in",
  NotIn: "notin",
  Exists: "exists",
  DoesNotExist: "!",
};

/**
 * A spec's metav1.LabelSelector as a selector (LabelSelectorAsSelector): absent/null selects
 * nothing, `{}` selects everything. BadRequest for an unknown operator.
 */
export function labelSelectorFromObject(ls: unknown): LabelSelector {
  if (ls === undefined || ls === null) return labelSelectorOf([], true);
  if (!isRecord(ls)) throw badRequest("invalid label selector");
  const sel = ls as LabelSelectorObject;
  const reqs: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {}))
    reqs.push({ key, operator: "=", values: [value] });
  for (const e of sel.matchExpressions ?? []) {
    const operator = EXPRESSION_OPS[e.operator];
    if (operator === undefined) throw badRequest(`"${e.operator}" is not a valid label selector operator`);
    reqs.push({ key: e.key, operator, values: [...(e.values ?? [])] });
  }
  return labelSelectorOf(reqs);
}

/** The string form of a spec's LabelSelector (Scale's status.selector); "" for everything. */
export function labelSelectorToString(ls: unknown): string {
  return labelSelectorFromObject(ls).toString();
}

export interface FieldRequirement {
  field: string;
  operator: "=" | "!=";
  value: string;
}

export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  /** Matches against the object's selectable fields (missing ones read as ""). */
  matches(get: (field: string) => string | undefined): boolean;
}

/** Splits at commas not escaped with a backslash. */
function splitEscaped(s: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === "\\" && i + 1 < s.length) {
      cur += c + (s[i + 1] as string);
      i++;
    } else if (c === sep) {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

function unescapeFieldValue(v: string): string {
  return v.replace(/\\(.)/g, "$1");
}

/**
 * Parses a field selector; `allowed` are the field labels the resource supports (BadRequest
 * `field label not supported: x` for others).
 */
export function parseFieldSelector(s: string | undefined, allowed: ReadonlySet<string>): FieldSelector {
  const requirements: FieldRequirement[] = [];
  if (s !== undefined && s.trim() !== "") {
    for (const term of splitEscaped(s, ",")) {
      const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(term.trim());
      if (!m) throw badRequest(`invalid selector: '${s}'; can't understand '${term}'`);
      const [, field, op, value] = m as unknown as [string, string, string, string];
      if (!allowed.has(field)) throw badRequest(`field label not supported: ${field}`);
      requirements.push({ field, operator: op === "!=" ? "!=" : "=", value: unescapeFieldValue(value) });
    }
  }
  return {
    requirements,
    matches(get) {
      return requirements.every((r) => {
        const actual = get(r.field) ?? "";
        return r.operator === "=" ? actual === r.value : actual !== r.value;
      });
    },
  };
}
