// Query parameters checked where they enter, with the 400 messages Docker gives.
import { badParameter } from "./errors.js";

/** moby's BoolValue: anything but "", "0", "no", "false", "none" is true. */
export function boolParam(query: URLSearchParams, name: string, fallback = false): boolean {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const s = raw.trim().toLowerCase();
  return !(s === "" || s === "0" || s === "no" || s === "false" || s === "none");
}

/** A strict boolean (`1`, `true`, `0`, `false`), as moby's BoolValueOrDefault with ParseBool. */
export function strictBoolParam(query: URLSearchParams, name: string, fallback: boolean): boolean {
  const raw = query.get(name);
  if (raw === null || raw === "") return fallback;
  const s = raw.toLowerCase();
  if (["1", "t", "true"].includes(s)) return true;
  if (["0", "f", "false"].includes(s)) return false;
  throw badParameter(`invalid value for ${name}: ${JSON.stringify(raw)}: must be a boolean`);
}

/** An optional integer in [min, max]; absent or empty gives undefined. */
export function intParam(
  query: URLSearchParams,
  name: string,
  o: { min?: number; max?: number } = {},
): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  if (!/^[+-]?\d+$/.test(raw.trim())) {
    throw badParameter(
      `invalid value for ${name}: strconv.Atoi: parsing ${JSON.stringify(raw)}: invalid syntax`,
    );
  }
  const n = Number(raw.trim());
  const min = o.min ?? Number.MIN_SAFE_INTEGER;
  const max = o.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw badParameter(`invalid value for ${name}: ${raw} is out of range [${min}, ${max}]`);
  }
  return n;
}

export function requiredParam(query: URLSearchParams, name: string): string {
  const raw = query.get(name);
  if (raw === null || raw === "") throw badParameter(`missing required parameter: ${name}`);
  return raw;
}

/** Linux signal numbers, for `kill -s` by name or number. */
const SIGNALS: Readonly<Record<string, number>> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  ILL: 4,
  TRAP: 5,
  ABRT: 6,
  IOT: 6,
  BUS: 7,
  FPE: 8,
  KILL: 9,
  USR1: 10,
  SEGV: 11,
  USR2: 12,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
  STKFLT: 16,
  CHLD: 17,
  CONT: 18,
  STOP: 19,
  TSTP: 20,
  TTIN: 21,
  TTOU: 22,
  URG: 23,
  XCPU: 24,
  XFSZ: 25,
  VTALRM: 26,
  PROF: 27,
  WINCH: 28,
  IO: 29,
  POLL: 29,
  PWR: 30,
  SYS: 31,
};
const SIGRTMIN = 34;
const SIGRTMAX = 64;

/**
 * Parses a signal as Docker accepts it (`KILL`, `SIGKILL`, `9`, `SIGRTMIN+3`) into its
 * canonical name (`SIGKILL`) or, for real-time signals, its number as a string.
 * Throws 400 `Invalid signal: X`.
 */
export function parseSignal(raw: string): string {
  const s = raw.trim();
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    const name = Object.entries(SIGNALS).find(([, v]) => v === n)?.[0];
    if (name !== undefined) return `SIG${name}`;
    if (n >= SIGRTMIN && n <= SIGRTMAX) return String(n);
    throw badParameter(`Invalid signal: ${raw}`);
  }
  const upper = s.toUpperCase().replace(/^SIG/, "");
  if (SIGNALS[upper] !== undefined) return `SIG${upper}`;
  const rt = /^RTMIN(?:\+(\d+))?$/.exec(upper) ?? /^RTMAX(?:-(\d+))?$/.exec(upper);
  if (rt !== null) {
    const offset = Number(rt[1] ?? 0);
    const n = upper.startsWith("RTMIN") ? SIGRTMIN + offset : SIGRTMAX - offset;
    if (n >= SIGRTMIN && n <= SIGRTMAX) return String(n);
  }
  throw badParameter(`Invalid signal: ${raw}`);
}

/** An optional `signal` query parameter. */
export function signalParam(query: URLSearchParams, name = "signal"): string | undefined {
  const raw = query.get(name);
  return raw === null || raw === "" ? undefined : parseSignal(raw);
}

/**
 * Docker's `filters` parameter: JSON `{"name": ["a"]}`, or the legacy `{"name": {"a": true}}`.
 */
export function filtersParam(query: URLSearchParams): Record<string, string[]> {
  const raw = query.get("filters");
  if (raw === null || raw === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw badParameter(`invalid filter: ${raw}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw badParameter(`invalid filter: ${raw}`);
  }
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (Array.isArray(value) && value.every((v) => typeof v === "string")) out[key] = value as string[];
    else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      out[key] = Object.entries(value)
        .filter(([, on]) => on === true)
        .map(([k]) => k);
    } else throw badParameter(`invalid filter: ${raw}`);
  }
  return out;
}

/** Rejects filter keys the endpoint does not know, as Docker does. */
export function checkFilterKeys(filters: Record<string, string[]>, allowed: readonly string[]): void {
  for (const key of Object.keys(filters)) {
    if (!allowed.includes(key)) throw badParameter(`invalid filter '${key}'`);
  }
}

/** Terminal size from `h` and `w`: non-negative integers. */
export function sizeParams(query: URLSearchParams): { height: number; width: number } {
  const height = intParam(query, "h", { min: 0, max: 65535 });
  const width = intParam(query, "w", { min: 0, max: 65535 });
  if (height === undefined || width === undefined) throw badParameter("both h and w are required");
  return { height, width };
}

/** Docker's time parameters (`since`, `until`): unix seconds, possibly fractional. */
export function timeParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "" || raw === "0") return undefined;
  if (!/^\d+(\.\d{1,9})?$/.test(raw)) {
    throw badParameter(`invalid value for ${name}: ${JSON.stringify(raw)}: must be unix seconds`);
  }
  return Number(raw);
}
