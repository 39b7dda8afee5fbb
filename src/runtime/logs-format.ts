// The CRI "k8s-file" log format conmon writes, one record per line:
//   2026-11-22T07:39:16.600622001+00:00 stdout F hello
// The tag is F for a full line (the newline was stripped and is added back) or P for a
// partial one (a line longer than conmon's buffer, or output without a trailing newline).

export interface LogEntry {
  stream: "stdout" | "stderr";
  /** The bytes the container wrote: a full line ends with "\n", a partial one does not. */
  line: Buffer;
  partial: boolean;
  /** RFC 3339 in UTC with nanoseconds, as `docker logs --timestamps` prints it. */
  timestamp: string;
  /** Unix time in seconds (fractional), for since/until. */
  seconds: number;
}

const SPACE = 0x20;
const NEWLINE = Buffer.from("\n");

/** Parses one record (without its trailing "\n"); undefined for a malformed line. */
export function parseLogLine(raw: Buffer): LogEntry | undefined {
  const s1 = raw.indexOf(SPACE);
  if (s1 <= 0) return undefined;
  const s2 = raw.indexOf(SPACE, s1 + 1);
  if (s2 < 0) return undefined;
  const s3 = raw.indexOf(SPACE, s2 + 1);
  const tagEnd = s3 < 0 ? raw.length : s3;
  const stream = raw.toString("latin1", s1 + 1, s2);
  if (stream !== "stdout" && stream !== "stderr") return undefined;
  const tag = raw.toString("latin1", s2 + 1, tagEnd);
  const time = parseTimestamp(raw.toString("latin1", 0, s1));
  if (time === undefined) return undefined;
  const content = s3 < 0 ? Buffer.alloc(0) : raw.subarray(s3 + 1);
  const partial = tag.split(":").includes("P");
  return {
    stream,
    line: partial ? Buffer.from(content) : Buffer.concat([content, NEWLINE]),
    partial,
    timestamp: time.timestamp,
    seconds: time.seconds,
  };
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** RFC 3339 with any offset and up to nanoseconds → UTC "…Z" text and unix seconds. */
export function parseTimestamp(text: string): { timestamp: string; seconds: number } | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const [, whole = "", frac = "", zone = "Z"] = m;
  const ms = Date.parse(`${whole}${zone}`);
  if (Number.isNaN(ms)) return undefined;
  const nanos = frac.padEnd(9, "0");
  const utc = new Date(ms).toISOString().slice(0, 19);
  return { timestamp: `${utc}.${nanos}Z`, seconds: ms / 1000 + Number(nanos) / 1e9 };
}

/** Formats a record the way conmon does (used by tests and by tools that write logs). */
export function formatLogLine(
  stream: "stdout" | "stderr",
  content: string,
  o: { time: Date; partial?: boolean },
): string {
  const ts = o.time.toISOString().replace(/\.(\d{3})Z$/, ".$1000000+00:00");
  return `${ts} ${stream} ${o.partial === true ? "P" : "F"} ${content}\n`;
}
