import { describe, expect, it } from "vitest";
import type { LogEntry } from "../runtime/logs.js";
import { engineLogOptions, podLogBytes, rfc3339Nano } from "./streams-logs.js";

function entry(text: string, timestamp = "2026-12-07T06:45:00.120000000Z", partial = false): LogEntry {
  return {
    stream: "stdout",
    line: Buffer.from(text),
    partial,
    timestamp,
    seconds: Date.parse(timestamp) / 1000,
  };
}

async function collect(it: AsyncIterable<Buffer>): Promise<string> {
  let s = "";
  for await (const b of it) s += b.toString();
  return s;
}

async function* from(list: LogEntry[]): AsyncGenerator<LogEntry> {
  yield* list;
}

describe("pod log bytes", () => {
  it("formats timestamps as Go's RFC3339Nano", () => {
    expect(rfc3339Nano("2026-12-07T06:45:00.120000000Z")).toBe("2026-12-07T06:45:00.12Z");
    expect(rfc3339Nano("2026-12-07T06:45:00.000000000Z")).toBe("2026-12-07T06:45:00Z");
    expect(rfc3339Nano("2026-12-07T06:45:00.123456789Z")).toBe("2026-12-07T06:45:00.123456789Z");
  });

  it("prefixes timestamps, keeps partial records whole, cuts at limitBytes", async () => {
    const list = [entry("a\n"), entry("par", "2026-12-07T06:45:01.000000000Z", true), entry("tial\n")];
    expect(await collect(podLogBytes(from(list), { timestamps: false }))).toBe("a\npartial\n");
    expect(await collect(podLogBytes(from(list), { timestamps: true }))).toBe(
      "2026-12-07T06:45:00.12Z a\n2026-12-07T06:45:01Z partial\n",
    );
    expect(await collect(podLogBytes(from(list), { timestamps: false, limitBytes: 4 }))).toBe("a\npa");
  });

  it("turns sinceSeconds and sinceTime into the engine's since", () => {
    const signal = new AbortController().signal;
    const now = new Date("2026-12-07T06:45:00Z");
    const base = { container: "c", follow: false, previous: false, timestamps: false };
    expect(engineLogOptions({ ...base, sinceSeconds: 10 }, now, signal).since).toBe(
      now.getTime() / 1000 - 10,
    );
    expect(engineLogOptions({ ...base, sinceTime: now, tailLines: 3 }, now, signal)).toMatchObject({
      since: now.getTime() / 1000,
      tail: 3,
    });
  });
});
