// resource.Quantity syntax ("500m", "1Gi", "1e3"), parsed to a number for comparisons.

const quantityRe = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;

/** The message of the real decoder for a malformed quantity. */
export const QUANTITY_SYNTAX_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkMGTP]*[-+]?[0-9]*)$'";

const binary: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const decimal: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** The value of a quantity string or number, or undefined when it is not one. */
export function parseQuantity(q: unknown): number | undefined {
  if (typeof q === "number") return Number.isFinite(q) ? q : undefined;
  if (typeof q !== "string") return undefined;
  const m = quantityRe.exec(q.trim());
  if (!m) return undefined;
  const [, numberPart = "", suffix = ""] = m;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(numberPart)) return undefined;
  const n = Number(numberPart);
  const b = binary[suffix];
  if (b !== undefined) return n * b;
  const d = decimal[suffix];
  if (d !== undefined) return n * d;
  const exp = /^[eE]([-+]?\d+)$/.exec(suffix);
  if (exp) return n * 10 ** Number(exp[1]);
  return undefined;
}
