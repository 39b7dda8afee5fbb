// The API bench's HTTPS client: the admin kubeconfig's CA and token, keep-alive connections
// like client-go's, one connection per watch as informers have; and the fixed-rate driver.
import { readFile } from "node:fs/promises";
import { Agent, request } from "node:https";
import { parse as parseYaml } from "yaml";

export interface ApiCall {
  status: number;
  body: string;
  ms: number;
}

export interface BenchClient {
  call(method: string, path: string, body?: unknown): Promise<ApiCall>;
  /** A watch: `onOpen` when its headers arrive, `onLine` per event. Answers a stop function. */
  stream(path: string, onLine: (line: string) => void, onOpen: () => void): () => void;
}

export async function benchClient(o: { url: string; kubeconfig: string }): Promise<BenchClient> {
  const cfg = parseYaml(await readFile(o.kubeconfig, "utf8")) as {
    clusters: { cluster: { "certificate-authority-data": string } }[];
    users: { user: { token: string } }[];
  };
  const ca = Buffer.from(cfg.clusters[0]?.cluster["certificate-authority-data"] ?? "", "base64");
  const token = cfg.users[0]?.user.token ?? "";
  const agent = new Agent({ ca, keepAlive: true, maxSockets: 64 });
  const url = new URL(o.url);
  const headers = { Authorization: `Bearer ${token}`, Accept: "application/json" };
  return {
    call: (method, path, body) =>
      new Promise((resolve, reject) => {
        const started = performance.now();
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            method,
            path,
            agent,
            headers: { ...headers, ...(payload !== undefined && { "Content-Type": "application/json" }) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () =>
              resolve({
                status: res.statusCode ?? 0,
                body: Buffer.concat(chunks).toString(),
                ms: performance.now() - started,
              }),
            );
            res.on("error", reject);
          },
        );
        req.on("error", reject);
        req.end(payload);
      }),
    stream: (path, onLine, onOpen) => {
      const req = request(
        { host: url.hostname, port: url.port, method: "GET", path, ca, headers, agent: false },
        (res) => {
          if (res.statusCode === 200) onOpen();
          let rest = "";
          res.on("data", (c: Buffer) => {
            const lines = (rest + c.toString()).split("\n");
            rest = lines.pop() ?? "";
            for (const l of lines) if (l !== "") onLine(l);
          });
          res.on("error", () => undefined);
        },
      );
      req.on("error", () => undefined);
      req.end();
      return () => req.destroy();
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One timed operation: its HTTP status (or 0 for a peer's success) and its latency. */
export type TimedOp = (i: number) => Promise<{ status: number; ms: number }>;

/**
 * Runs `rate` operations a second for `seconds`, each on schedule whatever the answers do (open
 * loop), and answers their latencies. With a `peer`, whole seconds alternate between `op` and
 * `peer` (each at `rate`, for `seconds` each), so that the machine's load weighs on both alike.
 */
export async function atFixedRate(o: {
  rate: number;
  seconds: number;
  op: TimedOp;
  expect: number;
  peer?: TimedOp;
}): Promise<{ ms: number[]; peerMs: number[] }> {
  const perSecond = Math.max(1, Math.round(o.rate));
  const total = Math.round(o.rate * o.seconds) * (o.peer ? 2 : 1);
  const start = performance.now();
  const pending: Promise<void>[] = [];
  const ms: number[] = [];
  const peerMs: number[] = [];
  let n = 0;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / o.rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const second = Math.floor(i / perSecond);
    const onPeer = o.peer !== undefined && second % 2 === 1;
    // Skiff's operations are numbered 0, 1, 2 … across its seconds (names cm-0 …).
    const index = onPeer ? i : n++;
    const run = onPeer ? (o.peer as TimedOp) : o.op;
    pending.push(
      run(index).then((r) => {
        if (onPeer) return void peerMs.push(r.ms);
        if (r.status !== o.expect)
          throw new Error(`request ${index}: HTTP ${r.status}, expected ${o.expect}`);
        ms.push(r.ms);
      }),
    );
  }
  await Promise.all(pending);
  return { ms, peerMs };
}
