// Docker's JSON progress messages (pull, push, load, import), one per line on the wire.

export interface ProgressDetail {
  current?: number;
  total?: number;
}

export interface ProgressMessage {
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: ProgressDetail;
  stream?: string;
  aux?: unknown;
  errorDetail?: { message: string };
  error?: string;
}

export type ProgressSink = (message: ProgressMessage) => void;

/** The error message Docker streams when a transfer fails part way. */
export function errorMessage(message: string): ProgressMessage {
  return { errorDetail: { message }, error: message };
}

const BAR_WIDTH = 50;

/** Docker's bar: `[=====>      ]  1.2MB/2.3MB` (sizes in SI units, like Docker's HumanSize). */
export function progressBar(current: number, total: number | undefined): string {
  if (total === undefined || total <= 0) return humanSize(current);
  const filled = Math.min(BAR_WIDTH, Math.floor((current / total) * BAR_WIDTH));
  const bar = "=".repeat(Math.max(0, filled - 1)) + (filled > 0 ? (filled === BAR_WIDTH ? "=" : ">") : "");
  return `[${bar.padEnd(BAR_WIDTH)}] ${humanSize(current).padStart(8)}/${humanSize(total)}`;
}

const UNITS = ["B", "kB", "MB", "GB", "TB", "PB"];

/** `1.23MB`: four significant digits in powers of 1000, as go-units' HumanSize. */
export function humanSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${Number(value.toPrecision(4))}${UNITS[unit]}`;
}

/** A progress sink that emits `Downloading`/`Pushing` updates at most every `intervalMs` per id. */
export function throttledProgress(
  sink: ProgressSink,
  o: { status: string; id: string; total: number | undefined; intervalMs?: number },
): (current: number) => void {
  let last = 0;
  return (current) => {
    const now = Date.now();
    if (now - last < (o.intervalMs ?? 100) && current !== o.total) return;
    last = now;
    sink({
      status: o.status,
      id: o.id,
      progress: progressBar(current, o.total),
      progressDetail: o.total === undefined ? { current } : { current, total: o.total },
    });
  };
}
