// The body of a watch answer — one JSON WatchEvent per line — as WatchEvents, in order.
import type { WatchEvent } from "../types.js";

const TYPES: ReadonlySet<string> = new Set(["ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR"]);

function parseEvent(line: string): WatchEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new Error(`watch: the server sent a line that is not JSON: ${line.slice(0, 200)}`);
  }
  const ev = parsed as Partial<WatchEvent> | null;
  if (
    ev === null ||
    typeof ev !== "object" ||
    typeof ev.type !== "string" ||
    !TYPES.has(ev.type) ||
    typeof ev.object !== "object" ||
    ev.object === null
  ) {
    throw new Error(`watch: the server sent something that is not a watch event: ${line.slice(0, 200)}`);
  }
  return ev as WatchEvent;
}

/** Splits `chunks` into lines and parses each non-empty one as a WatchEvent. */
export async function* watchEvents(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<WatchEvent> {
  let pending = "";
  const decoder = new TextDecoder();
  for await (const chunk of chunks) {
    pending += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    let newline = pending.indexOf("\n");
    while (newline >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line !== "") yield parseEvent(line);
      newline = pending.indexOf("\n");
    }
  }
  const last = (pending + decoder.decode()).trim();
  if (last !== "") yield parseEvent(last);
}
