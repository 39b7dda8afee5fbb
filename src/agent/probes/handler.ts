// Runs one probe or hook handler against a container (kubelet's prober): exec through the
// runtime, httpGet to the pod IP (200–399 is success), tcpSocket connect. Answers success and
// the output the kubelet puts in its Unhealthy events.
import http from "node:http";
import https from "node:https";
import net from "node:net";
import type { PodRuntime } from "../pod-runtime.js";
import { resolvePort, type ContainerSpec, type Handler } from "../spec.js";

export interface HandlerTarget {
  runtime: PodRuntime;
  containerId: string;
  container: ContainerSpec;
  podIP: string;
}

export interface HandlerResult {
  ok: boolean;
  output: string;
}

export async function runHandler(h: Handler, t: HandlerTarget, timeoutMs: number): Promise<HandlerResult> {
  switch (h.kind) {
    case "exec":
      return execHandler(h.command, t, timeoutMs);
    case "httpGet": {
      const port = resolvePort(t.container, h.port);
      const host = h.host ?? t.podIP;
      const url = `${h.scheme.toLowerCase()}://${host.includes(":") ? `[${host}]` : host}:${port}${h.path.startsWith("/") ? "" : "/"}${h.path}`;
      return httpGet(url, h.headers, timeoutMs);
    }
    case "tcpSocket":
      return tcpConnect(h.host ?? t.podIP, resolvePort(t.container, h.port), timeoutMs);
  }
}

async function execHandler(command: string[], t: HandlerTarget, timeoutMs: number): Promise<HandlerResult> {
  try {
    const r = await t.runtime.exec(t.containerId, command, timeoutMs);
    return { ok: r.exitCode === 0, output: r.output.trim() };
  } catch (err) {
    return { ok: false, output: err instanceof Error ? err.message : String(err) };
  }
}

function httpGet(
  url: string,
  headers: { name: string; value: string }[],
  timeoutMs: number,
): Promise<HandlerResult> {
  return new Promise((resolve) => {
    const h: Record<string, string> = { "User-Agent": "kube-probe/1.32", Accept: "*/*" };
    for (const { name, value } of headers) h[name] = value;
    const lib = url.startsWith("https:") ? https : http;
    const req = lib.get(
      url,
      { headers: h, timeout: timeoutMs, rejectUnauthorized: false, agent: false },
      (res) => {
        const code = res.statusCode ?? 0;
        res.resume();
        res.on("end", () => {
          if (code >= 200 && code < 400) resolve({ ok: true, output: "" });
          else resolve({ ok: false, output: `HTTP probe failed with statuscode: ${code}` });
        });
        res.on("error", (err) => resolve({ ok: false, output: `Get "${url}": ${err.message}` }));
      },
    );
    req.on("timeout", () => {
      req.destroy();
      resolve({
        ok: false,
        output: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
      });
    });
    req.on("error", (err) => resolve({ ok: false, output: `Get "${url}": ${dialError(err)}` }));
  });
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<HandlerResult> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (r: HandlerResult) => {
      sock.destroy();
      resolve(r);
    };
    sock.setTimeout(timeoutMs, () => done({ ok: false, output: `dial tcp ${host}:${port}: i/o timeout` }));
    sock.on("connect", () => done({ ok: true, output: "" }));
    sock.on("error", (err) => done({ ok: false, output: `dial tcp ${host}:${port}: ${dialError(err)}` }));
  });
}

function dialError(err: Error): string {
  const code = "code" in err ? String(err.code) : "";
  if (code === "ECONNREFUSED") return "connect: connection refused";
  if (code === "EHOSTUNREACH") return "connect: no route to host";
  return err.message;
}
