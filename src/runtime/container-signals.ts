// Signal names as Docker accepts them ("SIGTERM", "TERM", "term", "15", "SIGRTMIN+3"),
// normalised to the number runc is given.
import { constants } from "node:os";
import { InvalidParameterError } from "./container-errors.js";

const BY_NAME: ReadonlyMap<string, number> = new Map(
  Object.entries(constants.signals).map(([name, num]) => [name, num]),
);
const SIGRTMIN = 34;
const SIGRTMAX = 64;

/** The signal number for Docker's spelling, or a 400 `Invalid signal: X`. */
export function parseSignal(raw: string): number {
  const s = raw.trim().toUpperCase();
  if (/^[0-9]+$/.test(s)) {
    const n = Number(s);
    if (n >= 1 && n <= SIGRTMAX) return n;
    throw new InvalidParameterError(`Invalid signal: ${raw}`);
  }
  const name = s.startsWith("SIG") ? s : `SIG${s}`;
  const known = BY_NAME.get(name);
  if (known !== undefined) return known;
  const rt = /^SIGRTM(IN|AX)([+-][0-9]+)?$/.exec(name);
  if (rt) {
    const base = rt[1] === "IN" ? SIGRTMIN : SIGRTMAX;
    const n = base + Number(rt[2] ?? 0);
    if (n >= SIGRTMIN && n <= SIGRTMAX) return n;
  }
  throw new InvalidParameterError(`Invalid signal: ${raw}`);
}

export const SIGKILL = 9;
export const SIGTERM = 15;
