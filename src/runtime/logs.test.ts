import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appendFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  formatLogLine,
  parseLogLine,
  parseTimestamp,
  readLogs,
  type LogEntry,
  type ReadLogsOptions,
} from "./logs.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "skiff-logs-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(path: string, o: ReadLogsOptions): Promise<string[]> {
  const out: string[] = [];
  for await (const e of readLogs(path, o)) out.push(`${e.stream}:${e.line.toString()}`);
  return out;
}

const T0 = Date.parse("2026-11-22T07:39:16Z");
const at = (s: number): Date => new Date(T0 + s * 1000);

describe("parseLogLine", () => {
  it("parses full and partial records with nanosecond timestamps", () => {
    const full = parseLogLine(
      Buffer.from("2026-11-22T07:39:16.600622001+00:00 stdout F hello world"),
    ) as LogEntry;
    expect(full.stream).toBe("stdout");
    expect(full.line.toString()).toBe("hello world\n");
    expect(full.partial).toBe(false);
    expect(full.timestamp).toBe("2026-11-22T07:39:16.600622001Z");
    expect(full.seconds).toBeCloseTo(T0 / 1000 + 0.600622001, 5);
    const partial = parseLogLine(Buffer.from("2026-11-22T07:39:16.6+00:00 stderr P no newline")) as LogEntry;
    expect(partial.line.toString()).toBe("no newline");
    expect(partial.partial).toBe(true);
    expect(partial.timestamp).toBe("2026-11-22T07:39:16.600000000Z");
    expect(parseLogLine(Buffer.from("2026-11-22T07:39:16+00:00 stdout F "))?.line.toString()).toBe("\n");
  });

  it("converts other offsets to UTC and rejects malformed lines", () => {
    expect(parseTimestamp("2026-11-22T09:39:16.5+02:00")?.timestamp).toBe("2026-11-22T07:39:16.500000000Z");
    expect(parseLogLine(Buffer.from("garbage"))).toBeUndefined();
    expect(parseLogLine(Buffer.from("2026-11-22T07:39:16Z stdin F x"))).toBeUndefined();
    expect(parseLogLine(Buffer.from("yesterday stdout F x"))).toBeUndefined();
  });
});

describe("readLogs", () => {
  async function writeLog(n: number): Promise<string> {
    const path = join(dir, "ctr.log");
    let text = "";
    for (let i = 0; i < n; i++)
      text += formatLogLine(i % 2 ? "stderr" : "stdout", `line ${i}`, { time: at(i) });
    await writeFile(path, text);
    return path;
  }

  it("reads everything, and nothing from a missing file", async () => {
    const path = await writeLog(3);
    expect(await collect(path, { follow: false })).toEqual([
      "stdout:line 0\n",
      "stderr:line 1\n",
      "stdout:line 2\n",
    ]);
    expect(await collect(join(dir, "missing.log"), { follow: false })).toEqual([]);
  });

  it("tails the last N records, reading backwards across chunks", async () => {
    const path = await writeLog(5000); // ~260 KB: several 64 KiB chunks
    const last = await collect(path, { follow: false, tail: 3 });
    expect(last).toEqual(["stderr:line 4997\n", "stdout:line 4998\n", "stderr:line 4999\n"]);
    expect(await collect(path, { follow: false, tail: 0 })).toEqual([]);
    expect((await collect(path, { follow: false, tail: 10000 })).length).toBe(5000);
  });

  it("leaves out an unfinished last record when tailing", async () => {
    const path = await writeLog(3);
    await appendFile(path, "2026-11-22T07:40:00.000000000+00:00 stdout F half-writ");
    expect(await collect(path, { follow: false, tail: 1 })).toEqual(["stdout:line 2\n"]);
  });

  it("filters by since (inclusive) and until, in fractional seconds", async () => {
    const path = await writeLog(10);
    const since = T0 / 1000 + 7;
    expect(await collect(path, { follow: false, since })).toEqual([
      "stderr:line 7\n",
      "stdout:line 8\n",
      "stderr:line 9\n",
    ]);
    expect(await collect(path, { follow: false, until: T0 / 1000 + 1.5 })).toEqual([
      "stdout:line 0\n",
      "stderr:line 1\n",
    ]);
    expect(await collect(path, { follow: false, tail: 5, since: T0 / 1000 + 8.5 })).toEqual([
      "stderr:line 9\n",
    ]);
  });

  it("follows appended records until stopWhen settles and the log is drained", async () => {
    const path = await writeLog(1);
    let exit!: () => void;
    const exited = new Promise<void>((resolve) => (exit = resolve));
    const got: string[] = [];
    const reading = (async () => {
      for await (const e of readLogs(path, { follow: true, stopWhen: exited })) got.push(e.line.toString());
    })();
    await new Promise((r) => setTimeout(r, 50));
    await appendFile(path, formatLogLine("stdout", "second", { time: at(1) }));
    await appendFile(path, formatLogLine("stdout", "thi", { time: at(2), partial: true }));
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toEqual(["line 0\n", "second\n", "thi"]);
    await appendFile(path, formatLogLine("stdout", "rd", { time: at(3) }));
    exit(); // written before the exit: must still be read
    await reading;
    expect(got).toEqual(["line 0\n", "second\n", "thi", "rd\n"]);
  });

  it("stops following when the signal aborts", async () => {
    const path = await writeLog(2);
    const ac = new AbortController();
    const got: string[] = [];
    const reading = (async () => {
      for await (const e of readLogs(path, { follow: true, tail: 1, signal: ac.signal }))
        got.push(e.line.toString());
    })();
    await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    await reading;
    expect(got).toEqual(["line 1\n"]);
  });
});
