// GET pods/NAME/log (kubectl logs, kubectl-wire §9.12): the query read as PodLogOptions and
// validated as Kubernetes does, the container resolved, then the node's log bytes streamed as
// text/plain — kept open with follow until the container's log ends or the client leaves.
import { pipeline } from "node:stream/promises";
import { badRequest, invalid, type StatusCause } from "../../errors.js";
import type { PodLogOptions } from "../../streams.js";
import type { RequestContext } from "../context.js";
import { parseBool } from "../request-info.js";
import { getPod, nodeNameOf, resolveContainer, streamsOf } from "./pod-target.js";

function int(q: URLSearchParams, key: string): number | undefined {
  const v = q.get(key);
  if (v === null || v === "") return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`${key}: Invalid value: "${v}": must be an integer`);
  return Number(v);
}

function bool(q: URLSearchParams, key: string): boolean {
  const v = q.get(key);
  if (v === null || v === "") return false;
  const b = parseBool(v);
  if (b === undefined) throw badRequest(`${key}: Invalid value: "${v}": must be a boolean`);
  return b;
}

/** PodLogOptions from the query (container still unresolved), validated. */
export function logOptions(q: URLSearchParams, podName: string): Omit<PodLogOptions, "container"> {
  const o: Omit<PodLogOptions, "container"> = {
    follow: bool(q, "follow"),
    previous: bool(q, "previous"),
    timestamps: bool(q, "timestamps"),
  };
  const tailLines = int(q, "tailLines");
  const sinceSeconds = int(q, "sinceSeconds");
  const limitBytes = int(q, "limitBytes");
  const sinceTimeText = q.get("sinceTime");
  const errs: StatusCause[] = [];
  const bad = (field: string, value: unknown, message: string) =>
    errs.push({
      reason: "FieldValueInvalid",
      field,
      message: `Invalid value: ${JSON.stringify(value)}: ${message}`,
    });
  if (tailLines !== undefined) {
    if (tailLines < 0) bad("tailLines", tailLines, "must be greater than or equal to 0");
    else o.tailLines = tailLines;
  }
  if (limitBytes !== undefined) {
    if (limitBytes < 1) bad("limitBytes", limitBytes, "must be greater than 0");
    else o.limitBytes = limitBytes;
  }
  if (sinceSeconds !== undefined) {
    if (sinceSeconds < 1) bad("sinceSeconds", sinceSeconds, "must be greater than 0");
    else o.sinceSeconds = sinceSeconds;
  }
  if (sinceTimeText !== null && sinceTimeText !== "") {
    const t = new Date(sinceTimeText);
    if (Number.isNaN(t.getTime()))
      throw badRequest(`sinceTime: Invalid value: "${sinceTimeText}": not an RFC 3339 time`);
    o.sinceTime = t;
    if (sinceSeconds !== undefined) {
      errs.push({
        reason: "FieldValueForbidden",
        field: "",
        message: "at most one of `sinceTime` or `sinceSeconds` may be specified",
      });
    }
  }
  if (errs.length > 0) throw invalid({ group: "", kind: "PodLogOptions" }, podName, errs);
  return o;
}

export async function handlePodLog(ctx: RequestContext): Promise<void> {
  const { info, face, req, res } = ctx;
  const name = info.urlName;
  const pod = await getPod(face, info.namespace, name);
  const options = logOptions(ctx.url.searchParams, name);
  const container = resolveContainer(pod, ctx.url.searchParams.get("container") ?? undefined);
  const head = { "Content-Type": "text/plain", "Cache-Control": "no-cache, private" };
  // A pod not yet on a node has no log yet: Kubernetes answers an empty one.
  if (nodeNameOf(pod) === "") {
    res.writeHead(200, { ...head, "Content-Length": 0 });
    res.end();
    return;
  }
  const streams = streamsOf(face, pod);
  const abort = new AbortController();
  const stop = () => abort.abort();
  res.once("close", stop);
  ctx.shutdown.addEventListener("abort", stop, { once: true });
  try {
    const log = await streams.logs(pod, { ...options, container }, abort.signal);
    res.writeHead(200, head);
    res.flushHeaders();
    await pipeline(log, res, { signal: abort.signal }).catch((err: unknown) => {
      if (!abort.signal.aborted) throw err;
    });
  } finally {
    ctx.shutdown.removeEventListener("abort", stop);
    req.resume();
  }
}
