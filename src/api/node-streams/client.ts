// The API server's side of a joined node's stream endpoint: PodStreams whose bytes come from
// the node over protocol.ts. The node is reached at its InternalIP and kubeletEndpoint port,
// its certificate checked against the CA it publishes on its Node, with the API server's
// client certificate (signed by the cluster CA) as the credential.
import { request } from "node:https";
import { PassThrough, Writable, type Duplex, type Readable } from "node:stream";
import { createWebSocketStream, WebSocket } from "ws";
import { ApiError } from "../errors.js";
import type { ExecRequest, ExecSession, PodLogOptions, PodStreams } from "../streams.js";
import type { KubeObject } from "../types.js";
import {
  Channel,
  frame,
  fromWireError,
  STREAM_CA_ANNOTATION,
  type ExecControl,
  type LogsRequest,
  type OpenAnswer,
  type WireError,
} from "./protocol.js";

export interface NodeEndpoint {
  host: string;
  port: number;
  caPem: string;
}

/** Where a Node's stream endpoint is, or why it cannot be reached. */
export function nodeEndpoint(node: KubeObject): NodeEndpoint {
  const name = node.metadata.name ?? "";
  const status = (node.status ?? {}) as {
    addresses?: { type: string; address: string }[];
    daemonEndpoints?: { kubeletEndpoint?: { Port?: number } };
  };
  const host = status.addresses?.find((a) => a.type === "InternalIP")?.address;
  const port = status.daemonEndpoints?.kubeletEndpoint?.Port;
  const caPem = node.metadata.annotations?.[STREAM_CA_ANNOTATION];
  if (host === undefined || port === undefined || caPem === undefined) {
    throw new ApiError(
      "ServiceUnavailable",
      `node "${name}" publishes no stream endpoint (is its agent running?)`,
    );
  }
  return { host, port, caPem };
}

export class NodeStreamsClient implements PodStreams {
  readonly #node: () => Promise<NodeEndpoint>;
  readonly #cert: Promise<{ keyPem: string; certPem: string }>;

  constructor(o: {
    node: () => Promise<NodeEndpoint>;
    clientCert: Promise<{ keyPem: string; certPem: string }>;
  }) {
    this.#node = o.node;
    this.#cert = o.clientCert;
  }

  async logs(pod: KubeObject, o: PodLogOptions, signal: AbortSignal): Promise<Readable> {
    const ep = await this.#node();
    const tls = await this.#tls(ep);
    const { sinceTime, ...rest } = o;
    const body: LogsRequest = {
      pod,
      options: { ...rest, ...(sinceTime !== undefined && { sinceTime: sinceTime.toISOString() }) },
    };
    return new Promise((resolve, reject) => {
      const req = request(
        {
          ...tls,
          host: ep.host,
          port: ep.port,
          method: "POST",
          path: "/logs",
          headers: { "content-type": "application/json" },
          signal,
        },
        (res) => {
          if (res.statusCode === 200) return resolve(res);
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => reject(answerError(Buffer.concat(chunks).toString("utf8"))));
        },
      );
      req.on("error", (err) => reject(unreachable(ep, err)));
      req.end(JSON.stringify(body));
    });
  }

  async exec(pod: KubeObject, request: ExecRequest): Promise<ExecSession> {
    const ws = await this.#open("/exec", { pod, request });
    const stdout = request.stdout ? new PassThrough() : undefined;
    const stderr = request.stderr && !request.tty ? new PassThrough() : undefined;
    const control = (c: ExecControl): void => ws.send(JSON.stringify(c));
    let settle: { resolve(code: number): void; reject(err: Error): void } | undefined;
    const exit = new Promise<number>((resolve, reject) => (settle = { resolve, reject }));
    ws.on("message", (data: Buffer, isBinary) => {
      if (isBinary) {
        (data[0] === Channel.stderr ? stderr : stdout)?.write(data.subarray(1));
        return;
      }
      const c = JSON.parse(String(data)) as ExecControl;
      if ("end" in c) (c.end === Channel.stderr ? stderr : stdout)?.end();
      else if ("exit" in c) settle?.resolve(c.exit);
    });
    ws.on("close", () => {
      stdout?.end();
      stderr?.end();
      settle?.reject(new ApiError("InternalError", "the node closed the exec stream"));
    });
    const stdin = request.stdin
      ? new Writable({
          write(chunk: Buffer, _enc, done) {
            ws.send(frame(Channel.stdin, chunk), done);
          },
          final(done) {
            control({ end: Channel.stdin });
            done();
          },
        })
      : undefined;
    return {
      ...(stdin && { stdin }),
      ...(stdout && { stdout }),
      ...(stderr && { stderr }),
      resize: (w, h) => control({ resize: [w, h] }),
      exit,
    };
  }

  async portForward(pod: KubeObject, port: number): Promise<Duplex> {
    return this.#open("/portforward", { pod, port }, (ws) => createWebSocketStream(ws));
  }

  async #tls(ep: NodeEndpoint): Promise<{ ca: string; key: string; cert: string }> {
    const c = await this.#cert;
    return { ca: ep.caPem, key: c.keyPem, cert: c.certPem };
  }

  /** A WebSocket that has sent `first` and been answered `{ok}`; `wrap` runs in that moment. */
  async #open(path: string, first: unknown): Promise<WebSocket>;
  async #open<T>(path: string, first: unknown, wrap: (ws: WebSocket) => T): Promise<T>;
  async #open<T>(path: string, first: unknown, wrap?: (ws: WebSocket) => T): Promise<WebSocket | T> {
    const ep = await this.#node();
    const ws = new WebSocket(`wss://${ep.host}:${ep.port}${path}`, await this.#tls(ep));
    return new Promise((resolve, reject) => {
      ws.once("error", (err) => reject(unreachable(ep, err)));
      ws.once("open", () => ws.send(JSON.stringify(first)));
      ws.once("message", (data) => {
        const a = JSON.parse(String(data)) as OpenAnswer;
        if ("error" in a) return reject(fromWireError(a.error));
        resolve(wrap ? wrap(ws) : ws);
      });
    });
  }
}

function answerError(text: string): ApiError {
  try {
    return fromWireError(JSON.parse(text) as WireError);
  } catch {
    return new ApiError("InternalError", `the node answered: ${text.slice(0, 200)}`);
  }
}

function unreachable(ep: NodeEndpoint, err: Error): ApiError {
  return new ApiError("ServiceUnavailable", `cannot reach the node at ${ep.host}:${ep.port}: ${err.message}`);
}
