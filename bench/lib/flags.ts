// Numeric command-line flags of the benchmarks, refused with a clear message when malformed:
// a bare Number() turns "--runs five" into NaN and a run that measures nothing.

/**
 * `text`, the value of flag `--name`, as a number ≥ `min` (a whole one unless `fraction`).
 * Throws an error that names the flag and what it takes.
 */
export function numberFlag(
  name: string,
  text: string | undefined,
  o: { min?: number; fraction?: boolean } = {},
): number {
  const min = o.min ?? 1;
  const n = Number(text);
  const ok = text !== undefined && text.trim() !== "" && Number.isFinite(n) && n >= min;
  if (!ok || (!o.fraction && !Number.isInteger(n))) {
    const kind = o.fraction ? "a number" : "a whole number";
    throw new Error(`--${name} takes ${kind} ≥ ${min}, got ${JSON.stringify(text)}`);
  }
  return n;
}
