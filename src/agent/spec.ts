// Typed readers of the parts of a Pod the agent acts on (containers, probes, hooks, policies),
// so the rest of the agent never pokes at untrusted JSON.
import { isObject, listAt, numAt, objAt, strAt, type JsonObject } from "../api/resources/json.js";
import type { KubeObject } from "../api/types.js";

export type RestartPolicy = "Always" | "OnFailure" | "Never";

export interface HttpGetAction {
  kind: "httpGet";
  host?: string;
  path: string;
  port: number | string;
  scheme: "HTTP" | "HTTPS";
  headers: { name: string; value: string }[];
}
export interface ExecAction {
  kind: "exec";
  command: string[];
}
export interface TcpAction {
  kind: "tcpSocket";
  host?: string;
  port: number | string;
}
export type Handler = HttpGetAction | ExecAction | TcpAction;

export interface ProbeSpec {
  handler: Handler;
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
  terminationGracePeriodSeconds?: number;
}

export interface ContainerSpec {
  name: string;
  image: string;
  imagePullPolicy: string;
  init: boolean;
  ports: { name?: string; containerPort: number }[];
  livenessProbe?: ProbeSpec;
  readinessProbe?: ProbeSpec;
  startupProbe?: ProbeSpec;
  preStop?: Handler;
}

export function restartPolicy(pod: KubeObject): RestartPolicy {
  const p = strAt(pod.spec, "restartPolicy");
  return p === "OnFailure" || p === "Never" ? p : "Always";
}

export function initContainers(pod: KubeObject): ContainerSpec[] {
  return listAt(pod.spec, "initContainers")
    .filter(isObject)
    .map((c) => container(c, true));
}

export function appContainers(pod: KubeObject): ContainerSpec[] {
  return listAt(pod.spec, "containers")
    .filter(isObject)
    .map((c) => container(c, false));
}

export function containerSpec(pod: KubeObject, name: string): ContainerSpec | undefined {
  return [...initContainers(pod), ...appContainers(pod)].find((c) => c.name === name);
}

/** spec.terminationGracePeriodSeconds (default 30). */
export function terminationGraceSeconds(pod: KubeObject): number {
  return numAt(pod.spec, "terminationGracePeriodSeconds") ?? 30;
}

export function podUid(pod: KubeObject): string {
  return pod.metadata.uid ?? "";
}

/** `name_namespace(uid)`, the kubelet's way of naming a pod in messages. */
export function podDescription(pod: KubeObject): string {
  return `${pod.metadata.name ?? ""}_${pod.metadata.namespace ?? ""}(${podUid(pod)})`;
}

function container(c: JsonObject, init: boolean): ContainerSpec {
  const image = strAt(c, "image") ?? "";
  const lifecycle = objAt(c, "lifecycle");
  const preStop = handler(objAt(lifecycle, "preStop"));
  const out: ContainerSpec = {
    name: strAt(c, "name") ?? "",
    image,
    imagePullPolicy: strAt(c, "imagePullPolicy") ?? defaultPullPolicy(image),
    init,
    ports: listAt(c, "ports")
      .filter(isObject)
      .map((p) => ({ name: strAt(p, "name"), containerPort: numAt(p, "containerPort") ?? 0 })),
    ...(preStop && { preStop }),
  };
  for (const k of ["livenessProbe", "readinessProbe", "startupProbe"] as const) {
    const p = probe(objAt(c, k));
    if (p) out[k] = p;
  }
  return out;
}

function defaultPullPolicy(image: string): string {
  const last = image.split("/").pop() ?? "";
  return !last.includes(":") || last.endsWith(":latest") ? "Always" : "IfNotPresent";
}

function probe(p: JsonObject | undefined): ProbeSpec | undefined {
  const h = handler(p);
  if (!p || !h) return undefined;
  const grace = numAt(p, "terminationGracePeriodSeconds");
  return {
    handler: h,
    initialDelaySeconds: numAt(p, "initialDelaySeconds") ?? 0,
    periodSeconds: numAt(p, "periodSeconds") ?? 10,
    timeoutSeconds: numAt(p, "timeoutSeconds") ?? 1,
    successThreshold: numAt(p, "successThreshold") ?? 1,
    failureThreshold: numAt(p, "failureThreshold") ?? 3,
    ...(grace !== undefined && { terminationGracePeriodSeconds: grace }),
  };
}

function handler(h: JsonObject | undefined): Handler | undefined {
  const exec = objAt(h, "exec");
  if (exec) return { kind: "exec", command: listAt(exec, "command").map(String) };
  const http = objAt(h, "httpGet");
  if (http) {
    return {
      kind: "httpGet",
      host: strAt(http, "host") || undefined,
      path: strAt(http, "path") ?? "/",
      port: portOf(http.port),
      scheme: strAt(http, "scheme") === "HTTPS" ? "HTTPS" : "HTTP",
      headers: listAt(http, "httpHeaders")
        .filter(isObject)
        .map((x) => ({ name: strAt(x, "name") ?? "", value: strAt(x, "value") ?? "" })),
    };
  }
  const tcp = objAt(h, "tcpSocket");
  if (tcp) return { kind: "tcpSocket", host: strAt(tcp, "host") || undefined, port: portOf(tcp.port) };
  return undefined;
}

function portOf(v: unknown): number | string {
  if (typeof v === "number") return v;
  const s = String(v ?? "");
  return /^\d+$/.test(s) ? Number(s) : s;
}

/** A named or numbered port of the container, as a number (NaN when the name is unknown). */
export function resolvePort(c: ContainerSpec, port: number | string): number {
  if (typeof port === "number") return port;
  return c.ports.find((p) => p.name === port)?.containerPort ?? NaN;
}
