// The real kubectl against the API served in-process (plain HTTP, every request allowed) with
// PodStreams backed by real local processes: `kubectl logs` reads a file, `kubectl exec` runs
// the command with child_process, `kubectl port-forward` reaches a local HTTP server. Covers
// both transports kubectl knows (WebSocket and its SPDY fallback), binding and drain's evictions.
import { spawn, type ChildProcess } from "node:child_process";
import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer as createHttpServer, type Server } from "node:http";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { pino } from "pino";
import { Registry as MetricsRegistry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { badRequest } from "../src/api/errors.js";
import { createApiHandler } from "../src/api/http/handler.js";
import { ApiMetrics } from "../src/api/http/metrics.js";
import { applyMergePatch } from "../src/api/patch/merge-patch.js";
import { applyJsonPatch } from "../src/api/patch/json-patch.js";
import { updateManagedFields } from "../src/api/patch/managed-fields.js";
import { applyServerSideApply } from "../src/api/patch/server-side-apply.js";
import { applyStrategicMergePatch } from "../src/api/patch/strategic-merge.js";
import { decodeKubeProtobuf } from "../src/api/protobuf/decode.js";
import { MemoryStore } from "../src/api/registry/memory-store.js";
import { ApiRegistry } from "../src/api/registry/registry.js";
import { builtinCatalog } from "../src/api/resources/catalog.js";
import type { ExecRequest, ExecSession, PodLogOptions, PodStreams } from "../src/api/streams.js";
import type { KubeObject } from "../src/api/types.js";
import { freePort, waitUntil } from "./support/child.js";
import { requireTool, run, type RunResult } from "./support/tools.js";

const haveKubectl = requireTool("kubectl");

/** Logs are files of `TIMESTAMP text` lines (as the CRI writes them, minus the stream tag). */
class LocalPodStreams implements PodStreams {
  readonly execs: ExecRequest[] = [];
  readonly resizes: [number, number][] = [];
  constructor(readonly o: { logDir: string; ports: Map<number, number> }) {}

  logFile(pod: string, container: string): string {
    return join(this.o.logDir, `${pod}_${container}.log`);
  }

  async logs(pod: KubeObject, o: PodLogOptions, signal: AbortSignal): Promise<Readable> {
    const name = pod.metadata.name ?? "";
    if (o.previous)
      throw badRequest(`previous terminated container "${o.container}" in pod "${name}" not found`);
    const file = this.logFile(name, o.container);
    const render = (lines: string[]) =>
      lines.map((l) => (o.timestamps ? l : l.slice(l.indexOf(" ") + 1)) + "\n").join("");
    const text = await readFile(file, "utf8");
    let lines = text.split("\n").filter((l) => l !== "");
    if (o.tailLines !== undefined) lines = lines.slice(Math.max(0, lines.length - o.tailLines));
    let first = render(lines);
    if (o.limitBytes !== undefined) first = first.slice(0, o.limitBytes);
    if (!o.follow) return Readable.from([Buffer.from(first)]);
    const out = new PassThrough();
    out.write(first);
    let offset = Buffer.byteLength(text);
    void (async () => {
      while (!signal.aborted) {
        await sleep(50);
        const now = await readFile(file);
        if (now.length > offset) {
          out.write(
            render(
              now
                .subarray(offset)
                .toString("utf8")
                .split("\n")
                .filter((l) => l !== ""),
            ),
          );
          offset = now.length;
        }
      }
      out.end();
    })();
    return out;
  }

  async exec(_pod: KubeObject, req: ExecRequest): Promise<ExecSession> {
    this.execs.push(req);
    const child: ChildProcess = spawn(req.command[0] as string, req.command.slice(1), { stdio: "pipe" });
    const stdout = new PassThrough();
    let open = req.tty ? 2 : 1;
    const done = () => {
      if (--open === 0) stdout.end();
    };
    child.stdout?.on("end", done).pipe(stdout, { end: false });
    if (req.tty) child.stderr?.on("end", done).pipe(stdout, { end: false });
    if (!req.stdin) child.stdin?.end();
    const exit = new Promise<number>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code, sig) => resolve(code ?? (sig === null ? 1 : 128)));
    });
    return {
      ...(req.stdin && child.stdin && { stdin: child.stdin }),
      stdout,
      ...(!req.tty && child.stderr && { stderr: child.stderr }),
      resize: (w, h) => this.resizes.push([w, h]),
      exit,
    };
  }

  async portForward(_pod: KubeObject, port: number): Promise<Socket> {
    const local = this.o.ports.get(port);
    if (local === undefined) throw new Error(`dial tcp 127.0.0.1:${port}: connect: connection refused`);
    const socket = connect(local, "127.0.0.1");
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return socket;
  }
}

describe.skipIf(!haveKubectl)("kubectl logs, exec, port-forward, binding and drain", () => {
  let api: Server;
  let web: Server;
  let registry: ApiRegistry;
  let streams: LocalPodStreams;
  let work: string;
  const sockets = new Set<Socket>();
  let env: NodeJS.ProcessEnv;
  const catalog = builtinCatalog();
  const def = (resource: string) => {
    const d = catalog.get("", "v1", resource);
    if (!d) throw new Error(resource);
    return d;
  };
  const user = { user: { name: "test", groups: ["system:masters"] }, dryRun: false };

  const kubectl = (args: string[], o: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> =>
    run("kubectl", args, {
      env: { ...env, ...o.env },
      timeoutMs: 30_000,
      ...(o.input !== undefined && { input: o.input }),
    });

  async function createPod(name: string, o: { node?: string; containers?: string[] } = {}): Promise<void> {
    const containers = (o.containers ?? ["app"]).map((c) => ({ name: c, image: "busybox" }));
    await registry.create(
      def("pods"),
      "default",
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name },
        spec: { containers, ...(o.node && { nodeName: o.node }) },
      },
      user,
    );
    const pod = await registry.get(def("pods"), "default", name);
    await registry.update(
      def("pods"),
      "default",
      name,
      { ...pod, status: { ...(pod.status as object), phase: "Running" } },
      {
        ...user,
        subresource: "status",
      },
    );
  }

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "skiff-api-streams-"));
    const logger = pino({ level: "silent" });
    registry = new ApiRegistry({
      store: new MemoryStore(),
      catalog,
      logger,
      patch: {
        applyJsonPatch,
        applyMergePatch,
        applyStrategicMergePatch,
        applyServerSideApply,
        updateManagedFields,
      },
    });
    for (const name of ["default", "kube-system"]) {
      await registry.create(
        def("namespaces"),
        undefined,
        { apiVersion: "v1", kind: "Namespace", metadata: { name } },
        user,
      );
    }
    for (const name of ["node-1", "node-2"]) {
      await registry.create(
        def("nodes"),
        undefined,
        { apiVersion: "v1", kind: "Node", metadata: { name } },
        user,
      );
    }
    registry.start();
    web = createHttpServer((req, res) => res.end(`hello from the pod: ${req.url ?? ""}\n`));
    const webPort = await freePort();
    await new Promise<void>((resolve) => web.listen(webPort, "127.0.0.1", resolve));
    streams = new LocalPodStreams({ logDir: work, ports: new Map([[80, webPort]]) });
    const metricsRegistry = new MetricsRegistry();
    const port = await freePort();
    const handler = createApiHandler({
      face: {
        catalog,
        registry,
        authenticator: { authenticate: async () => undefined },
        authorizer: { authorize: async () => ({ allowed: true, reason: "" }) },
        serverAddress: `127.0.0.1:${port}`,
        decodeProtobuf: decodeKubeProtobuf,
        podStreams: (node) => (node === "node-1" ? streams : undefined),
      },
      logger,
      metrics: new ApiMetrics(metricsRegistry),
      metricsRegistry,
    });
    api = createHttpServer(handler);
    api.on("connection", (s: Socket) => {
      sockets.add(s);
      s.once("close", () => sockets.delete(s));
    });
    if (handler.upgrade) api.on("upgrade", handler.upgrade);
    await new Promise<void>((resolve) => api.listen(port, "127.0.0.1", resolve));
    const kubeconfig = join(work, "kubeconfig");
    await writeFile(
      kubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        `clusters: [{name: t, cluster: {server: "http://127.0.0.1:${port}"}}]`,
        "users: [{name: u, user: {}}]",
        "contexts: [{name: t, context: {cluster: t, user: u, namespace: default}}]",
        "current-context: t",
        "",
      ].join("\n"),
    );
    env = { ...process.env, KUBECONFIG: kubeconfig, HOME: join(work, "home") };
    await createPod("web", { node: "node-1" });
    await createPod("multi", { node: "node-1", containers: ["a", "b"] });
    await createPod("pending");
    await createPod("lost", { node: "node-9" });
    await writeFile(
      streams.logFile("web", "app"),
      [
        "2026-12-07T08:00:01.000000000Z one",
        "2026-12-07T08:00:02.000000000Z two",
        "2026-12-07T08:00:03.000000000Z three",
        "",
      ].join("\n"),
    );
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    api?.closeAllConnections();
    web?.closeAllConnections();
    await new Promise((resolve) => api?.close(resolve));
    await new Promise((resolve) => web?.close(resolve));
    await registry?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("kubectl logs: whole, --tail, --timestamps, -f, and the container errors", async () => {
    expect((await kubectl(["logs", "web"])).stdout).toBe("one\ntwo\nthree\n");
    expect((await kubectl(["logs", "web", "--tail=2"])).stdout).toBe("two\nthree\n");
    expect((await kubectl(["logs", "web", "--tail=1", "--timestamps"])).stdout).toBe(
      "2026-12-07T08:00:03.000000000Z three\n",
    );
    expect((await kubectl(["logs", "web", "--limit-bytes=5"])).stdout).toBe("one\nt");
    const prev = await kubectl(["logs", "web", "--previous"]);
    expect(prev.stderr).toContain('previous terminated container "app" in pod "web" not found');
    const multi = await kubectl(["get", "--raw", "/api/v1/namespaces/default/pods/multi/log"]);
    expect(multi.stderr).toContain("a container name must be specified for pod multi, choose one of: [a b]");
    const bad = await kubectl(["logs", "web", "-c", "nope"]);
    expect(bad.stderr).toContain("container nope is not valid for pod web");
    expect((await kubectl(["logs", "pending"])).stdout).toBe("");
    expect((await kubectl(["logs", "ghost"])).stderr).toContain('pods "ghost" not found');

    const follow = spawn("kubectl", ["logs", "-f", "web", "--tail=1"], { env });
    let out = "";
    follow.stdout.on("data", (b: Buffer) => (out += b.toString()));
    try {
      await waitUntil(() => (out === "three\n" ? true : undefined), {
        timeoutMs: 15_000,
        what: "the last line",
      });
      await appendFile(streams.logFile("web", "app"), "2026-12-07T08:00:04.000000000Z four\n");
      await waitUntil(() => (out === "three\nfour\n" ? true : undefined), {
        timeoutMs: 15_000,
        what: "the followed line",
      });
    } finally {
      follow.kill();
    }
  });

  for (const transport of ["websocket", "spdy"] as const) {
    const wsEnv = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: transport === "websocket" ? "true" : "false" };

    it(`kubectl exec over ${transport}: output, stderr, exit code, stdin`, async () => {
      const r = await kubectl(["exec", "web", "--", "sh", "-c", "echo out; echo err >&2; exit 3"], {
        env: wsEnv,
      });
      expect(r.stdout).toBe("out\n");
      expect(r.stderr).toContain("err\n");
      expect(r.stderr).toContain("command terminated with exit code 3");
      expect(r.code).toBe(3);
      const ok = await kubectl(["exec", "web", "--", "echo", "hello", "world"], { env: wsEnv });
      expect([ok.code, ok.stdout]).toEqual([0, "hello world\n"]);
      const cat = await kubectl(["exec", "-i", "web", "--", "sh", "-c", "cat; echo done"], {
        env: wsEnv,
        input: "line 1\nline 2\n",
      });
      expect([cat.code, cat.stdout]).toEqual([0, "line 1\nline 2\ndone\n"]);
      const c = await kubectl(["exec", "multi", "-c", "b", "--", "echo", "b"], { env: wsEnv });
      expect(c.stdout).toBe("b\n");
      expect(streams.execs.at(-1)).toMatchObject({
        container: "b",
        command: ["echo", "b"],
        stdin: false,
        tty: false,
      });
      const missing = await kubectl(["exec", "web", "--", "/no/such/command"], { env: wsEnv });
      expect(missing.code).not.toBe(0);
    });

    it(`kubectl exec -it over ${transport} asks for a terminal and sends its size`, async () => {
      const before = streams.resizes.length;
      const cmd = "kubectl exec -it web -- sh -c 'echo in-tty'";
      const r = await run("script", ["-qec", cmd, "/dev/null"], {
        env: { ...env, ...wsEnv, COLUMNS: "100", LINES: "30" },
        timeoutMs: 30_000,
      });
      expect(r.stdout).toContain("in-tty");
      expect(streams.execs.at(-1)).toMatchObject({ tty: true, stdin: true, stderr: false });
      expect(streams.resizes.length).toBeGreaterThan(before);
    });
  }

  it("kubectl exec: a pod without a node and a pod on an unknown node are refused", async () => {
    const pending = await kubectl(["exec", "pending", "--", "true"]);
    expect(pending.stderr).toContain("pod pending does not have a host assigned");
    const lost = await kubectl(["exec", "lost", "--", "true"]);
    expect(lost.stderr).toContain('nodes "node-9" not found');
  });

  for (const transport of ["websocket", "spdy"] as const) {
    it(`kubectl port-forward over ${transport} carries HTTP to the pod's port`, async () => {
      const local = await freePort();
      const pf = spawn("kubectl", ["port-forward", "pod/web", `${local}:80`, "--address=127.0.0.1"], {
        env: { ...env, KUBECTL_PORT_FORWARD_WEBSOCKETS: transport === "websocket" ? "true" : "false" },
      });
      let out = "";
      let err = "";
      pf.stdout.on("data", (b: Buffer) => (out += b.toString()));
      pf.stderr.on("data", (b: Buffer) => (err += b.toString()));
      try {
        await waitUntil(() => (out.includes(`Forwarding from 127.0.0.1:${local} -> 80`) ? true : undefined), {
          timeoutMs: 20_000,
          what: `port-forward to listen (${err})`,
        });
        for (const path of ["/one", "/two", "/three"]) {
          const r = await run("curl", ["-sS", "--max-time", "10", `http://127.0.0.1:${local}${path}`], {
            timeoutMs: 15_000,
          });
          expect(r.stdout).toBe(`hello from the pod: ${path}\n`);
        }
        expect(out).toContain(`Handling connection for ${local}`);
      } finally {
        pf.kill();
      }
    });
  }

  it("kubectl create binding binds once; drain evicts the node's pods", async () => {
    await createPod("unbound");
    const binding =
      "apiVersion: v1\nkind: Binding\nmetadata: {name: unbound}\ntarget: {kind: Node, name: node-2}\n";
    const created = await kubectl(["create", "--validate=false", "-f", "-"], { input: binding });
    expect(created.code, created.stderr).toBe(0);
    expect((await kubectl(["get", "pod", "unbound", "-o", "jsonpath={.spec.nodeName}"])).stdout).toBe(
      "node-2",
    );
    const again = await kubectl(["create", "--validate=false", "-f", "-"], { input: binding });
    expect(again.stderr).toContain('pod unbound is already assigned to node "node-2"');

    await createPod("d1", { node: "node-2" });
    const drain = await kubectl(["drain", "node-2", "--force", "--grace-period=0", "--timeout=30s"]);
    expect(drain.code, drain.stderr).toBe(0);
    expect(drain.stdout).toContain("node/node-2 cordoned");
    expect(drain.stdout + drain.stderr).toContain("evicting pod default/d1");
    expect(drain.stdout).toContain("pod/d1 evicted");
    expect(drain.stdout).toContain("node/node-2 drained");
    expect((await kubectl(["get", "pods", "d1"])).stderr).toContain('pods "d1" not found');
    expect((await kubectl(["get", "node", "node-2", "-o", "jsonpath={.spec.unschedulable}"])).stdout).toBe(
      "true",
    );
  });
});
