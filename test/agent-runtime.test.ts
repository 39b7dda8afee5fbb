// EnginePodRuntime and AgentPodStreams over the real engine parts (root, runc, conmon,
// overlayfs, CNI): a pod of two busybox containers sharing one network namespace (httpd, and a
// client wget'ing localhost), env from the downward API, a ConfigMap and a Secret of an
// in-process cluster, configMap/secret/emptyDir volumes; then exit records, OOM, the kept
// previous attempt, logs/exec/port-forward, adoption by a second runtime, and the cleanup.
import { randomUUID } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { mkdtemp, readlink, rm } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import type { Duplex, Readable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EnginePodRuntime } from "../src/agent/pod-runtime-engine.js";
import { ContainerStartFailure, ImagePullError, type ContainerRecord } from "../src/agent/pod-runtime.js";
import { AgentPodStreams, containerLocator } from "../src/agent/streams.js";
import { ApiClient } from "../src/api/registry/client.js";
import { newRegistry } from "../src/api/registry/registry.test-util.js";
import type { KubeObject } from "../src/api/types.js";
import { ImageService } from "../src/images/service.js";
import { NetworkManager } from "../src/net/manager.js";
import { ContainerService } from "../src/runtime/containers.js";
import { Runtime } from "../src/runtime/runtime.js";
import { SnapshotRootfs } from "../src/runtime/snapshot-rootfs.js";
import { VolumeStore } from "../src/runtime/volumes.js";
import { OverlaySnapshotter } from "../src/snapshots/overlay.js";
import { removeCgroupParent, testCgroupParent } from "./runtime-fixture.js";
import { busyboxRootfsTar } from "./support/busybox-image.js";
import { requireTool, run } from "./support/tools.js";

const PLUGINS = "/usr/lib/cni";
function ready(): boolean {
  const root = process.getuid?.() === 0;
  const plugins = ["bridge", "host-local", "loopback", "portmap"].every((p) => existsSync(join(PLUGINS, p)));
  if ((!root || !plugins) && process.env.CI === "true") throw new Error("needs root and the CNI plugins");
  return root && plugins && ["runc", "conmon", "busybox", "iptables", "ip"].every((t) => requireTool(t));
}

/** A /24 under 10.200.0.0/13 that no route uses yet (test servers must not share a subnet). */
async function unroutedSubnet(): Promise<string> {
  const routes = (await run("ip", ["-4", "route", "show"])).stdout;
  const seed = Math.floor(Math.random() * 12_500);
  for (let i = 0; i < 12_500; i++) {
    const k = (seed + i) % 12_500;
    const subnet = `10.${200 + Math.floor(k / 250)}.${k % 250}.0/24`;
    if (!routes.includes(subnet)) return subnet;
  }
  throw new Error("no free subnet");
}

const logger = pino({ level: "silent" });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function text(r: Readable): Promise<string> {
  let s = "";
  for await (const chunk of r) s += (chunk as Buffer).toString();
  return s;
}

async function until<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const busybox = { image: "busybox", imagePullPolicy: "IfNotPresent" };

function webPod(uid: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web", namespace: "default", uid, labels: { app: "web" }, annotations: { note: "hi" } },
    spec: {
      nodeName: "node-1",
      serviceAccountName: "default",
      volumes: [
        { name: "cfg", configMap: { name: "web-config" } },
        { name: "secret", secret: { secretName: "web-secret", defaultMode: 0o400 } },
        { name: "scratch", emptyDir: {} },
      ],
      containers: [
        {
          name: "httpd",
          ...busybox,
          command: ["sh", "-c"],
          args: [
            "echo started $(GREETING); mkdir -p /www; echo hello-from-httpd > /www/index.html; exec httpd -f -p 8080 -h /www",
          ],
          env: [
            { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
            { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
            { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
            { name: "APP", valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
            {
              name: "MEM_MI",
              valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1Mi" } },
            },
            { name: "COLOR", valueFrom: { configMapKeyRef: { name: "web-config", key: "color" } } },
            { name: "PASSWORD", valueFrom: { secretKeyRef: { name: "web-secret", key: "password" } } },
            { name: "MAYBE", valueFrom: { configMapKeyRef: { name: "absent", key: "x", optional: true } } },
            { name: "GREETING", value: "hi-$(POD_NAME)" },
            { name: "RAW", value: "$(UNSET)-$$(POD_NAME)" },
          ],
          envFrom: [{ prefix: "CFG_", configMapRef: { name: "web-config" } }],
          volumeMounts: [
            { name: "cfg", mountPath: "/etc/web" },
            { name: "secret", mountPath: "/etc/secret" },
            { name: "scratch", mountPath: "/scratch" },
          ],
          resources: { limits: { memory: "64Mi", cpu: "500m" }, requests: { cpu: "250m" } },
        },
        {
          name: "client",
          ...busybox,
          command: [
            "sh",
            "-c",
            "for i in $(seq 1 100); do wget -q -O /scratch/got http://localhost:8080/ && break; sleep 0.1; done; cat /scratch/got; exec sleep 3600",
          ],
          volumeMounts: [{ name: "scratch", mountPath: "/scratch" }],
        },
        { name: "job", ...busybox, command: ["sh", "-c", "echo run; exit 3"] },
        {
          name: "hog",
          ...busybox,
          command: ["sh", "-c", "dd if=/dev/zero of=/dev/null bs=64M count=1"],
          resources: { limits: { memory: "16Mi" } },
        },
        { name: "broken", ...busybox, envFrom: [{ configMapRef: { name: "nope" } }] },
        { name: "ghost", image: "nothere:v1", imagePullPolicy: "Never" },
      ],
    },
  };
}

describe.skipIf(!ready())("EnginePodRuntime on the engine (runc, conmon, overlayfs, CNI)", () => {
  let base = "";
  let images: ImageService;
  let network: NetworkManager;
  let containers: ContainerService;
  let runtime: EnginePodRuntime;
  let streams: AgentPodStreams;
  let pod: KubeObject;
  let podIP = "";
  const cgroupParent = testCgroupParent();
  const bridgeName = `skar${Math.floor(Math.random() * 0xfffff).toString(16)}`;
  const exits: ContainerRecord[] = [];

  beforeAll(async () => {
    base = await mkdtemp("/tmp/skar-");
    images = await ImageService.open({ root: join(base, "images"), logger });
    const tar = await busyboxRootfsTar(base);
    await images.importRootfs(createReadStream(tar), { ref: "busybox:latest", changes: ['CMD ["sh"]'] });
    const snapshots = await OverlaySnapshotter.open({ root: join(base, "snapshots") });
    network = await NetworkManager.open({
      stateDir: join(base, "net"),
      execRoot: join(base, "x"),
      bridgeName,
      subnet: await unroutedSubnet(),
      pluginDirs: [PLUGINS],
      logger,
    });
    containers = new ContainerService({
      root: join(base, "containers"),
      runtime: new Runtime({ execRoot: join(base, "x"), logger }),
      images,
      rootfs: new SnapshotRootfs(images, snapshots),
      network,
      volumes: await VolumeStore.open({ root: join(base, "volumes") }),
      logger,
      cgroupParent,
    });
    await containers.recover();
    const { registry } = await newRegistry();
    const client = new ApiClient(registry);
    await client.resource({ apiVersion: "v1", kind: "ConfigMap" }).create({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "web-config", namespace: "default" },
      data: { color: "blue", "app.conf": "listen 8080\n" },
    });
    await client.resource({ apiVersion: "v1", kind: "Secret" }).create({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "web-secret", namespace: "default" },
      data: { password: Buffer.from("s3cret").toString("base64") },
    });
    runtime = new EnginePodRuntime({
      containers,
      network,
      images,
      client,
      dataDir: join(base, "data"),
      nodeName: "node-1",
      nodeIP: "127.0.0.1",
      credentialsFor: () => Promise.resolve(undefined),
      logger,
    });
    runtime.onExit((r) => exits.push(r));
    streams = new AgentPodStreams({ containers, locate: containerLocator(() => runtime.listContainers()) });
    pod = webPod(randomUUID());
  }, 60_000);

  afterAll(async () => {
    if (containers !== undefined) {
      for (const c of containers.list({ all: true, filters: {} }))
        await containers.remove(c.Id, { force: true, volumes: true }).catch(() => undefined);
      containers.close();
    }
    if (pod?.metadata.uid !== undefined)
      await runtime?.removeSandbox(pod.metadata.uid).catch(() => undefined);
    await network?.removeNetwork().catch(() => undefined);
    await network?.close();
    images?.close();
    await removeCgroupParent(cgroupParent);
    if (base !== "") await rm(base, { recursive: true, force: true });
  }, 60_000);

  const uid = (): string => pod.metadata.uid ?? "";
  const exec = async (name: string, cmd: string[]) => {
    const r = runtime
      .listContainers()
      .find((c) => c.podUid === uid() && c.name === name && c.state === "running");
    if (r === undefined) throw new Error(`${name} is not running`);
    return runtime.exec(r.id, cmd, 10_000);
  };

  it("makes the sandbox, the images and the volumes", async () => {
    ({ podIP } = await runtime.ensureSandbox(pod));
    expect(podIP).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect((await runtime.ensureSandbox(pod)).podIP).toBe(podIP); // idempotent
    pod = { ...pod, status: { podIP, hostIP: "127.0.0.1" } };
    expect(await runtime.ensureImage(pod, "httpd")).toBe(images.get("busybox").id);
    const never = await runtime.ensureImage(pod, "ghost").catch((e: unknown) => e);
    expect(never).toBeInstanceOf(ImagePullError);
    expect(never).toMatchObject({ reason: "ErrImageNeverPull" });
    await runtime.prepareVolumes(pod);
    const cfg = join(base, "data", "agent", "pods", uid(), "volumes", "cfg");
    expect(await readlink(join(cfg, "color"))).toBe("..data/color");
  });

  it("runs two containers in one network namespace with the pod's env, files and limits", async () => {
    const httpd = await runtime.startContainer(pod, "httpd", { attempt: 0, init: false });
    const client = await runtime.startContainer(pod, "client", { attempt: 0, init: false });
    expect(httpd).toMatchObject({ podUid: uid(), name: "httpd", attempt: 0, init: false, state: "running" });
    expect(httpd.imageID).toBe(images.get("busybox").id);
    const row = containers.list({ all: false, filters: { name: [`k8s_httpd_web_default_${uid()}_0`] } });
    expect(row[0]?.Labels).toMatchObject({
      "io.kubernetes.pod.name": "web",
      "io.kubernetes.container.name": "httpd",
      "io.kubernetes.container.attempt": "0",
    });
    const info = containers.inspect(httpd.id);
    expect(info.HostConfig).toMatchObject({ Memory: 64 * 2 ** 20, CpuQuota: 50_000, CpuShares: 256 });

    const env = (await exec("httpd", ["env"])).output;
    for (const line of [
      "POD_NAME=web",
      `POD_IP=${podIP}`,
      "NODE=node-1",
      "APP=web",
      "MEM_MI=64",
      "COLOR=blue",
      "PASSWORD=s3cret",
      "GREETING=hi-web",
      "RAW=$(UNSET)-$(POD_NAME)",
      "CFG_color=blue",
      "HOSTNAME=web",
    ])
      expect(env.split("\n")).toContain(line);
    expect(env).not.toContain("MAYBE=");
    expect((await exec("httpd", ["cat", "/etc/web/color"])).output).toBe("blue");
    expect((await exec("httpd", ["stat", "-L", "-c", "%a", "/etc/secret/password"])).output.trim()).toBe(
      "400",
    );
    expect((await exec("client", ["cat", "/etc/hosts"])).output).toContain(`${podIP}\tweb\n`);
    expect((await exec("client", ["hostname"])).output.trim()).toBe("web");
    expect((await exec("client", ["ip", "-4", "addr", "show", "eth0"])).output).toContain(podIP);
    const ro = await exec("httpd", ["sh", "-c", "echo x > /etc/web/new"]);
    expect(ro.exitCode).not.toBe(0);

    const clientLog = await until(async () => {
      const out = await text(
        await streams.logs(
          pod,
          { container: "client", follow: false, previous: false, timestamps: false },
          new AbortController().signal,
        ),
      );
      return out.includes("hello-from-httpd") ? out : undefined;
    }, "the client's wget through localhost");
    expect(clientLog).toBe("hello-from-httpd\n");
    expect(client.state).toBe("running");
  }, 60_000);

  it("streams logs with timestamps, exec with stdin and exit codes, and port-forwards", async () => {
    const logs = await text(
      await streams.logs(
        pod,
        { container: "httpd", follow: false, previous: false, timestamps: true },
        new AbortController().signal,
      ),
    );
    expect(logs).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z started hi-web\n$/);

    const session = await streams.exec(pod, {
      container: "httpd",
      command: ["sh", "-c", "cat; exit 7"],
      stdin: true,
      stdout: true,
      stderr: true,
      tty: false,
    });
    const out = session.stdout ? text(session.stdout) : Promise.resolve("");
    session.stdin?.end("echoed\n");
    expect(await session.exit).toBe(7);
    expect(await out).toBe("echoed\n");

    const socket: Duplex = await streams.portForward(pod, 8080);
    const body = await new Promise<string>((resolve, reject) => {
      const req = request({ createConnection: () => socket as never, path: "/", host: "pod" }, (res) => {
        let s = "";
        res.on("data", (d: Buffer) => (s += d.toString()));
        res.on("end", () => resolve(s));
      });
      req.on("error", reject);
      req.end();
    });
    expect(body).toBe("hello-from-httpd\n");
    await expect(
      streams.logs(
        pod,
        { container: "nosuch", follow: false, previous: false, timestamps: false },
        new AbortController().signal,
      ),
    ).rejects.toMatchObject({ code: 400 });
    await expect(
      streams.logs(
        pod,
        { container: "httpd", follow: false, previous: true, timestamps: false },
        new AbortController().signal,
      ),
    ).rejects.toMatchObject({ code: 404 });
  }, 30_000);

  it("records exits (Error, OOMKilled), keeps the previous attempt for logs and drops older ones", async () => {
    const first = await runtime.startContainer(pod, "job", { attempt: 0, init: false });
    const exited = await until(() => exits.find((r) => r.id === first.id), "the job's exit");
    expect(exited).toMatchObject({ state: "exited", exitCode: 3, reason: "Error", name: "job" });
    expect(exited.finishedAt).toBeInstanceOf(Date);
    const second = await runtime.startContainer(pod, "job", { attempt: 1, init: false });
    await until(() => exits.find((r) => r.id === second.id), "the second exit");
    const previous = await text(
      await streams.logs(
        pod,
        { container: "job", follow: false, previous: true, timestamps: false },
        new AbortController().signal,
      ),
    );
    expect(previous).toBe("run\n");
    await runtime.startContainer(pod, "job", { attempt: 2, init: false });
    const attempts = runtime
      .listContainers()
      .filter((r) => r.podUid === uid() && r.name === "job")
      .map((r) => r.attempt);
    expect(attempts.sort()).toEqual([1, 2]);

    const hog = await runtime.startContainer(pod, "hog", { attempt: 0, init: false });
    const oom = await until(() => exits.find((r) => r.id === hog.id), "the hog's exit");
    expect(oom).toMatchObject({ state: "exited", reason: "OOMKilled" });
  }, 60_000);

  it("fails a container whose configMap is missing with Kubernetes' words", async () => {
    const err = await runtime
      .startContainer(pod, "broken", { attempt: 0, init: false })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContainerStartFailure);
    expect(err).toMatchObject({
      reason: "CreateContainerConfigError",
      message: 'configmap "nope" not found',
    });
  });

  it("is found again by a second runtime, then stopped, removed and cleaned up", async () => {
    const again = new EnginePodRuntime({
      containers,
      network,
      images,
      client: new ApiClient((await newRegistry()).registry),
      dataDir: join(base, "data"),
      nodeName: "node-1",
      nodeIP: "127.0.0.1",
      credentialsFor: () => Promise.resolve(undefined),
      logger,
    });
    const mine = again.listContainers().filter((r) => r.podUid === uid());
    expect(
      mine
        .filter((r) => r.state === "running")
        .map((r) => r.name)
        .sort(),
    ).toEqual(["client", "httpd"]);
    expect((await again.ensureSandbox(pod)).podIP).toBe(podIP);

    const httpd = mine.find((r) => r.name === "httpd" && r.state === "running");
    if (httpd === undefined) throw new Error("no httpd");
    await again.stopContainer(httpd.id, 2);
    expect(again.listContainers().find((r) => r.id === httpd.id)).toMatchObject({
      state: "exited",
      reason: "Error",
    });
    for (const r of mine) await again.removeContainer(r.id);
    await again.removeContainer(httpd.id); // idempotent
    expect(again.listContainers().filter((r) => r.podUid === uid())).toEqual([]);
    await again.removeSandbox(uid());
    await again.removeSandbox(uid());
    await again.cleanupPod(uid());
    expect(existsSync(join(base, "data", "agent", "pods", uid()))).toBe(false);
  }, 60_000);
});
