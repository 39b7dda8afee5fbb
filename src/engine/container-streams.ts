// Container endpoints that stream: attach (hijacked), logs, wait, stats, export, and top.
import { setImmediate as tick } from "node:timers/promises";
import { pipeline } from "node:stream/promises";
import { readUpgradeBody } from "./body.js";
import { badParameter, toHttpError } from "./errors.js";
import { serveStdio, MediaType } from "./hijack.js";
import { boolParam, intParam, strictBoolParam, timeParam } from "./params.js";
import type { EngineServices, LogEntry, WaitCondition } from "./ports.js";
import { sendJson, startStream } from "./reply.js";
import { route, type Exchange, type Route } from "./route.js";
import { frame, StreamType } from "./stdcopy.js";

const WAIT_CONDITIONS: readonly WaitCondition[] = ["not-running", "next-exit", "removed"];

/**
 * A log line's time as Docker prints it (Go's RFC3339Nano in UTC: `Z`, trailing zeros of
 * the fraction trimmed). CRI logs carry the local offset; the nanoseconds are kept.
 */
export function rfc3339Nano(time: string | Date): string {
  if (time instanceof Date) return time.toISOString().replace(/\.?0+Z$/, "Z");
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(time);
  if (m === null) return time;
  const [, seconds, fraction = "", zone] = m as unknown as [string, string, string | undefined, string];
  const utc = zone === "Z" ? seconds : new Date(`${seconds}${zone}`).toISOString().slice(0, 19);
  const trimmed = fraction.replace(/0+$/, "");
  return `${utc}${trimmed === "" ? "" : `.${trimmed}`}Z`;
}

/** One log entry as the client receives it: framed unless the container has a TTY. */
export function encodeLogEntry(entry: LogEntry, o: { tty: boolean; timestamps: boolean }): Buffer {
  const payload = o.timestamps
    ? Buffer.concat([Buffer.from(`${rfc3339Nano(entry.timestamp)} `), entry.line])
    : entry.line;
  if (o.tty) return payload;
  return frame(entry.stream === "stderr" ? StreamType.stderr : StreamType.stdout, payload);
}

/** Writes to a response, waiting for drain so a slow client slows the reader down. */
async function writeOut(
  res: NodeJS.WritableStream & { destroyed: boolean },
  bytes: Buffer | string,
): Promise<boolean> {
  if (res.destroyed) return false;
  if (res.write(bytes)) return true;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.removeListener("drain", done);
      res.removeListener("close", done);
      resolve();
    };
    res.once("drain", done);
    res.once("close", done);
  });
  return !res.destroyed;
}

export function containerStreamRoutes(services: EngineServices): Route[] {
  const { containers } = services;
  const id = (ex: Exchange) => ex.params.id as string;

  const attach = async (ex: Exchange) => {
    const q = ex.query;
    const wants = {
      stdin: boolParam(q, "stdin"),
      stdout: boolParam(q, "stdout"),
      stderr: boolParam(q, "stderr"),
      stream: boolParam(q, "stream"),
      logs: boolParam(q, "logs"),
    };
    const tty = containers.inspect(id(ex)).Config.Tty === true;
    const early =
      ex.upgrade === undefined
        ? undefined
        : (await readUpgradeBody(ex.request, ex.upgrade.socket, ex.upgrade.head)).rest;
    const stream = await containers.attach(id(ex), {
      ...wants,
      stdin: wants.stdin && ex.upgrade !== undefined,
    });
    await serveStdio(ex, stream, { tty, stdin: wants.stdin, ...(early !== undefined && { early }) });
  };

  const logs = async (ex: Exchange) => {
    const q = ex.query;
    const stdout = boolParam(q, "stdout");
    const stderr = boolParam(q, "stderr");
    if (!stdout && !stderr) throw badParameter("Bad parameters: you must choose at least one stream");
    const tailRaw = q.get("tail");
    // "all" (the CLI's default) or a negative number: every line.
    const tailN = tailRaw === null || tailRaw === "" || tailRaw === "all" ? undefined : intParam(q, "tail");
    const tail = tailN !== undefined && tailN >= 0 ? tailN : undefined;
    const since = timeParam(q, "since");
    const until = timeParam(q, "until");
    const timestamps = boolParam(q, "timestamps");
    const tty = containers.inspect(id(ex)).Config.Tty === true;
    const entries = containers.logs(id(ex), {
      follow: boolParam(q, "follow"),
      stdout,
      stderr,
      ...(tail !== undefined && { tail }),
      ...(since !== undefined && { since }),
      ...(until !== undefined && { until }),
      signal: ex.signal,
    });
    const res = startStream(ex, tty ? MediaType.raw : MediaType.multiplexed);
    for await (const entry of entries) {
      if (entry.stream === "stdout" ? !stdout : !stderr) continue;
      if (!(await writeOut(res, encodeLogEntry(entry, { tty, timestamps })))) break;
    }
    res.end();
  };

  const wait = async (ex: Exchange) => {
    const condition = (ex.query.get("condition") || "not-running") as WaitCondition;
    if (!WAIT_CONDITIONS.includes(condition))
      throw badParameter(`invalid condition: ${JSON.stringify(condition)}`);
    containers.inspect(id(ex)); // 404 before the headers
    let failed: unknown;
    const waiting = containers.wait(id(ex), condition, ex.signal).catch((err: unknown) => {
      failed = err;
      return undefined;
    });
    // An error found at once (a conflict, a container that went away) keeps its status…
    await tick();
    if (failed !== undefined) throw failed;
    // …otherwise the headers go out now: `docker run` starts the container only after it
    // has them, and reads the body when the container exits.
    const res = startStream(ex, "application/json");
    const result = await waiting;
    const body =
      result !== undefined
        ? { StatusCode: result.StatusCode, Error: result.Error ?? null }
        : { StatusCode: -1, Error: { Message: toHttpError(failed).message } };
    if (!res.destroyed) res.end(JSON.stringify(body) + "\n");
  };

  const stats = async (ex: Exchange) => {
    const oneShot = boolParam(ex.query, "one-shot");
    const stream = strictBoolParam(ex.query, "stream", true) && !oneShot;
    const samples = containers.stats(id(ex), { stream, signal: ex.signal });
    if (!stream) {
      for await (const sample of samples) {
        sendJson(ex, 200, sample);
        return;
      }
      throw badParameter("no stats available");
    }
    const res = startStream(ex, "application/json");
    for await (const sample of samples) {
      if (!(await writeOut(res, JSON.stringify(sample) + "\n"))) break;
    }
    res.end();
  };

  const exportFs = async (ex: Exchange) => {
    const tar = containers.export(id(ex));
    const res = startStream(ex, "application/x-tar");
    await pipeline(tar, res);
  };

  const top = async (ex: Exchange) => {
    const psArgs = ex.query.get("ps_args") || undefined;
    if (psArgs !== undefined && /[^\w\s,=+%:.-]/.test(psArgs))
      throw badParameter(`invalid ps_args: ${psArgs}`);
    sendJson(ex, 200, await containers.top(id(ex), psArgs));
  };

  const c = (suffix: string) => new RegExp(`^/containers/(?<id>[^/]+)${suffix}$`);
  return [
    route("container.attach", "POST", c("/attach"), attach, { hijack: true }),
    route("container.logs", "GET", c("/logs"), logs),
    route("container.wait", "POST", c("/wait"), wait),
    route("container.stats", "GET", c("/stats"), stats),
    route("container.export", "GET", c("/export"), exportFs),
    route("container.top", "GET", c("/top"), top),
  ];
}
