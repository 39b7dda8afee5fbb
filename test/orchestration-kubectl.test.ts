// Orchestration end to end with the real kubectl against a one-node Skiff cluster: a
// Deployment's pods run as real containers (env, config and secret files inside), heal after
// `kill -9` and `kubectl delete pod`, honour liveness and readiness probes, roll out a new image
// without dropping below `replicas - maxUnavailable` Ready pods (asserted by watching), stall on
// a bad image and come back with `rollout undo`, scale to 10, leave an unfittable pod Pending
// with Kubernetes' reason, serve logs/exec/port-forward, pull from another registry only with
// imagePullSecrets, and survive `kill -9` of the server without restarting a single pod.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eventually,
  startClusterServer,
  type ClusterServer,
  type KubeJson,
} from "./support/cluster-server.js";
import { onLines } from "./support/child.js";
import { getThroughPortForward } from "./support/port-forward.js";
import { startSkiffServer } from "./support/skiff-server.js";
import { requireTool } from "./support/tools.js";

const haveTools =
  requireTool("docker") &&
  requireTool("runc") &&
  requireTool("conmon") &&
  requireTool("busybox") &&
  requireTool("kubectl");

interface PodJson extends KubeJson {
  status?: {
    phase?: string;
    podIP?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: {
      name: string;
      ready: boolean;
      restartCount: number;
      containerID?: string;
      image: string;
      state?: Record<string, { reason?: string; exitCode?: number } | undefined>;
      lastState?: Record<string, { reason?: string; exitCode?: number } | undefined>;
    }[];
  };
}

function deployment(o: { name: string; image: string; replicas: number; extra?: string }): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${o.name}
spec:
  replicas: ${o.replicas}
  selector:
    matchLabels: { app: ${o.name} }
  strategy:
    type: RollingUpdate
    rollingUpdate: { maxSurge: 1, maxUnavailable: 1 }
  progressDeadlineSeconds: 15
  template:
    metadata:
      labels: { app: ${o.name} }
    spec:
      terminationGracePeriodSeconds: 2
      containers:
        - name: web
          image: ${o.image}
          ports: [{ containerPort: 80 }]
          readinessProbe:
            httpGet: { path: /index.html, port: 80 }
            periodSeconds: 1
${o.extra ?? ""}`;
}

const isReady = (p: PodJson): boolean =>
  p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;

describe.skipIf(!haveTools)("orchestration through kubectl", () => {
  let cluster: ClusterServer;

  const pods = async (selector: string): Promise<PodJson[]> =>
    (await cluster.getJson<{ items: PodJson[] }>(["pods", "-l", selector])).items;

  /** Waits until `n` pods of the selector are Running and Ready (and none is terminating). */
  const readyPods = (selector: string, n: number, timeoutMs = 60_000): Promise<PodJson[]> => {
    let last: PodJson[] = [];
    return eventually(
      async () => {
        last = await pods(selector);
        const live = last.filter((p) => p.metadata.deletionTimestamp === undefined);
        return live.length === n && live.every((p) => p.status?.phase === "Running" && isReady(p))
          ? live
          : undefined;
      },
      {
        timeoutMs,
        what: `${n} ready pods of ${selector}`,
        last: () => JSON.stringify(last.map((p) => [p.metadata.name, p.status?.phase, isReady(p)])),
      },
    );
  };

  beforeAll(async () => {
    cluster = await startClusterServer();
    await cluster.apply(`
apiVersion: v1
kind: ConfigMap
metadata: { name: web-config }
data: { greeting: hello, app.conf: "mode=fast\\n" }
---
apiVersion: v1
kind: Secret
metadata: { name: web-secret }
stringData: { password: hunter2 }
`);
  }, 240_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it("registers the local node, Ready with real capacity", async () => {
    const nodes = await eventually(
      async () => {
        const list = await cluster.getJson<{ items: KubeJson[] }>(["nodes"]);
        return list.items.length === 1 ? list.items : undefined;
      },
      { timeoutMs: 30_000, what: "one node" },
    );
    const status = nodes[0]?.status as {
      capacity: Record<string, string>;
      conditions: { type: string; status: string }[];
    };
    expect(Number(status.capacity.cpu)).toBeGreaterThan(0);
    expect(status.capacity.memory).toMatch(/^\d+Ki$/);
    expect(status.conditions.find((c) => c.type === "Ready")?.status).toBe("True");
    const { stdout } = await cluster.kubectlOk(["get", "nodes"]);
    expect(stdout).toMatch(/\bReady\b/);
  });

  it("runs a 3-replica Deployment with env, config files and secret files", async () => {
    await cluster.apply(
      deployment({
        name: "web",
        image: cluster.webImage,
        replicas: 3,
        extra: `          env:
            - { name: MODE, value: production }
            - name: GREETING
              valueFrom: { configMapKeyRef: { name: web-config, key: greeting } }
            - name: PASSWORD
              valueFrom: { secretKeyRef: { name: web-secret, key: password } }
            - name: POD_NAME
              valueFrom: { fieldRef: { fieldPath: metadata.name } }
          volumeMounts:
            - { name: config, mountPath: /etc/web }
            - { name: secret, mountPath: /etc/secret, readOnly: true }
      volumes:
        - name: config
          configMap: { name: web-config }
        - name: secret
          secret: { secretName: web-secret }
`,
      }),
    );
    const running = await readyPods("app=web", 3);
    const pod = running[0] as PodJson;
    const name = pod.metadata.name;
    const env = (await cluster.kubectlOk(["exec", name, "--", "env"])).stdout;
    expect(env).toContain("MODE=production");
    expect(env).toContain("GREETING=hello");
    expect(env).toContain("PASSWORD=hunter2");
    expect(env).toContain(`POD_NAME=${name}`);
    expect((await cluster.kubectlOk(["exec", name, "--", "cat", "/etc/web/app.conf"])).stdout).toBe(
      "mode=fast\n",
    );
    expect((await cluster.kubectlOk(["exec", name, "--", "cat", "/etc/secret/password"])).stdout).toBe(
      "hunter2",
    );
    // Every pod has its own IP, and the pods answer each other over the bridge.
    const ips = new Set(running.map((p) => p.status?.podIP));
    expect(ips.size).toBe(3);
    const peer = running[1]?.status?.podIP as string;
    const fetched = await cluster.kubectlOk(["exec", name, "--", "wget", "-qO-", `http://${peer}/`]);
    expect(fetched.stdout).toBe("web v1\n");
    const table = (await cluster.kubectlOk(["get", "deployment", "web"])).stdout;
    expect(table).toMatch(/web\s+3\/3\s+3\s+3/);
  }, 120_000);

  it("restarts a container killed with kill -9 and counts it in RESTARTS", async () => {
    const [pod] = await readyPods("app=web", 3);
    const name = (pod as PodJson).metadata.name;
    const id = (pod as PodJson).status?.containerStatuses?.[0]?.containerID?.replace(/^skiff:\/\//, "");
    expect(id).toBeTruthy();
    const pid = Number(
      (await cluster.engine.dockerOk(["inspect", "-f", "{{.State.Pid}}", id as string])).stdout,
    );
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, "SIGKILL");
    const restarted = await eventually(
      async () => {
        const p = await cluster.getJson<PodJson>(["pod", name]);
        const s = p.status?.containerStatuses?.[0];
        return s && s.restartCount === 1 && s.ready ? p : undefined;
      },
      { timeoutMs: 30_000, what: "the killed container running again" },
    );
    expect(restarted.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode).toBe(137);
    const table = (await cluster.kubectlOk(["get", "pod", name])).stdout;
    expect(table).toMatch(new RegExp(`${name}\\s+1/1\\s+Running\\s+1\\b`));
    // The previous instance's log is there for --previous.
    const previous = await cluster.kubectl(["logs", name, "--previous"]);
    expect(previous.code).toBe(0);
  }, 60_000);

  it("replaces a deleted pod", async () => {
    const before = await readyPods("app=web", 3);
    const victim = (before[0] as PodJson).metadata.name;
    await cluster.kubectlOk(["delete", "pod", victim, "--wait=false"]);
    const after = await readyPods("app=web", 3, 30_000);
    expect(after.map((p) => p.metadata.name)).not.toContain(victim);
  }, 60_000);

  it("serves logs, exec with the exit code, and port-forward", async () => {
    const [pod] = await readyPods("app=web", 3);
    const name = (pod as PodJson).metadata.name;
    const exec = await cluster.kubectl(["exec", name, "--", "sh", "-c", "echo out; exit 3"]);
    expect(exec.code).toBe(3);
    expect(exec.stdout).toBe("out\n");
    const piped = await cluster.kubectlOk(["exec", "-i", name, "--", "tr", "a-z", "A-Z"], {
      input: "shout\n",
    });
    expect(piped.stdout).toBe("SHOUT\n");
    await cluster.kubectlOk(["exec", name, "--", "sh", "-c", "echo marker-line >&2"]);
    const logs = await cluster.kubectlOk(["logs", name, "--tail=5", "--timestamps"]);
    expect(logs.code).toBe(0);

    expect(await getThroughPortForward(cluster.env, name, { port: 80 })).toBe("web v1\n");
  }, 60_000);

  it("restarts a container whose liveness probe fails and unreadies one whose readiness fails", async () => {
    await cluster.apply(`
apiVersion: v1
kind: Pod
metadata: { name: probed, labels: { app: probed } }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: main
      image: ${cluster.busyboxImage}
      command: ["sh", "-c", "touch /tmp/ready; exec sleep 3600"]
      livenessProbe:
        exec: { command: ["sh", "-c", "test ! -f /tmp/sick"] }
        periodSeconds: 1
        failureThreshold: 2
      readinessProbe:
        exec: { command: ["test", "-f", "/tmp/ready"] }
        periodSeconds: 1
`);
    await readyPods("app=probed", 1);
    await cluster.kubectlOk(["exec", "probed", "--", "rm", "/tmp/ready"]);
    await eventually(
      async () => {
        const p = await cluster.getJson<PodJson>(["pod", "probed"]);
        return !isReady(p) && p.status?.phase === "Running" ? p : undefined;
      },
      { timeoutMs: 20_000, what: "the pod turning not Ready" },
    );
    await cluster.kubectlOk(["exec", "probed", "--", "touch", "/tmp/sick"]);
    const healed = await eventually(
      async () => {
        const p = await cluster.getJson<PodJson>(["pod", "probed"]);
        const s = p.status?.containerStatuses?.[0];
        return s && s.restartCount >= 1 && isReady(p) ? p : undefined;
      },
      { timeoutMs: 40_000, what: "the liveness restart" },
    );
    expect(healed.status?.containerStatuses?.[0]?.restartCount).toBe(1);
    const events = (
      await cluster.kubectlOk(["get", "events", "--field-selector", "involvedObject.name=probed"])
    ).stdout;
    expect(events).toMatch(/Unhealthy/);
    await cluster.kubectlOk(["delete", "pod", "probed", "--wait=false"]);
  }, 90_000);

  it("rolls out a new image without going below replicas - maxUnavailable Ready pods", async () => {
    await readyPods("app=web", 3);
    // Watch every change of the Deployment's pods while the rollout runs.
    const ready = new Map<string, boolean>();
    let minReady = Number.POSITIVE_INFINITY;
    let sawChange = false;
    const watch = spawn(
      "kubectl",
      [
        "get",
        "pods",
        "-l",
        "app=web",
        "-w",
        "--output-watch-events",
        "-o",
        'jsonpath={.type} {.object.metadata.name} {.object.status.conditions[?(@.type=="Ready")].status}{"\\n"}',
      ],
      { env: cluster.env },
    );
    onLines(watch.stdout, (line) => {
      const [type, name, status] = line.trim().split(" ");
      if (name === undefined) return;
      if (type === "DELETED") ready.delete(name);
      else ready.set(name, status === "True");
      const count = [...ready.values()].filter(Boolean).length;
      if (sawChange) minReady = Math.min(minReady, count);
      if (type !== "ADDED") sawChange = true;
    });
    try {
      await new Promise((r) => setTimeout(r, 1000)); // the initial list is in
      await cluster.kubectlOk(["set", "image", "deployment/web", `web=${cluster.webImageV2}`]);
      const status = await cluster.kubectlOk(["rollout", "status", "deployment/web", "--timeout=90s"], {
        timeoutMs: 100_000,
      });
      expect(status.stdout).toContain('deployment "web" successfully rolled out');
      const now = await readyPods("app=web", 3);
      expect(now.every((p) => p.status?.containerStatuses?.[0]?.image === cluster.webImageV2)).toBe(true);
    } finally {
      watch.kill("SIGTERM");
    }
    expect(sawChange).toBe(true);
    expect(minReady).toBeGreaterThanOrEqual(2); // replicas 3 - maxUnavailable 1
    const history = (await cluster.kubectlOk(["rollout", "history", "deployment/web"])).stdout;
    expect(history).toMatch(/^1\s/m);
    expect(history).toMatch(/^2\s/m);
  }, 150_000);

  it("stalls on a bad image, and rollout undo restores the previous version", async () => {
    await cluster.kubectlOk([
      "set",
      "image",
      "deployment/web",
      `web=${cluster.engine.server.hostPort}/e2e/missing:1`,
    ]);
    const stalled = await cluster.kubectl(["rollout", "status", "deployment/web", "--timeout=60s"], {
      timeoutMs: 70_000,
    });
    expect(stalled.code).not.toBe(0);
    expect(stalled.stderr).toContain('deployment "web" exceeded its progress deadline');
    const bad = (await pods("app=web")).filter((p) =>
      p.status?.containerStatuses?.[0]?.image?.includes("missing"),
    );
    expect(bad.length).toBeGreaterThan(0);
    const waiting = bad[0]?.status?.containerStatuses?.[0]?.state?.waiting?.reason;
    expect(["ErrImagePull", "ImagePullBackOff"]).toContain(waiting);
    // Old pods kept serving: at least replicas - maxUnavailable stayed Ready.
    expect((await pods("app=web")).filter(isReady).length).toBeGreaterThanOrEqual(2);

    await cluster.kubectlOk(["rollout", "undo", "deployment/web"]);
    // As in Kubernetes, the ProgressDeadlineExceeded condition stays until a sync sees progress;
    // the first sync after the undo may not (the restored ReplicaSet has as many pods as the bad
    // one had), and `rollout status` fails on the stale condition. Wait for progress first.
    await eventually(
      async () => {
        const d = await cluster.getJson(["deployment", "web"]);
        const conditions = (d.status?.conditions ?? []) as { type: string; reason?: string }[];
        const reason = conditions.find((c) => c.type === "Progressing")?.reason;
        return reason !== "ProgressDeadlineExceeded" ? true : undefined;
      },
      { timeoutMs: 90_000, what: "progress after the undo" },
    );
    await cluster.kubectlOk(["rollout", "status", "deployment/web", "--timeout=90s"], { timeoutMs: 100_000 });
    const back = await readyPods("app=web", 3);
    expect(back.every((p) => p.status?.containerStatuses?.[0]?.image === cluster.webImageV2)).toBe(true);
  }, 200_000);

  it("scales to 10 replicas", async () => {
    await cluster.kubectlOk(["scale", "deployment/web", "--replicas=10"]);
    await readyPods("app=web", 10, 90_000);
    const table = (await cluster.kubectlOk(["get", "deployment", "web"])).stdout;
    expect(table).toMatch(/web\s+10\/10\s+10\s+10/);
    await cluster.kubectlOk(["scale", "deployment/web", "--replicas=3"]);
    await readyPods("app=web", 3, 60_000);
  }, 150_000);

  it("leaves a pod that fits nowhere Pending with Kubernetes' reason", async () => {
    await cluster.apply(`
apiVersion: v1
kind: Pod
metadata: { name: greedy }
spec:
  containers:
    - name: main
      image: ${cluster.busyboxImage}
      command: ["sleep", "3600"]
      resources:
        requests: { cpu: "1000" }
`);
    const pending = await eventually(
      async () => {
        const p = await cluster.getJson<PodJson>(["pod", "greedy"]);
        const c = p.status?.conditions?.find((x) => x.type === "PodScheduled");
        return c?.status === "False" ? c : undefined;
      },
      { timeoutMs: 20_000, what: "the PodScheduled=False condition" },
    );
    expect(pending.reason).toBe("Unschedulable");
    expect(pending.message).toBe("0/1 nodes are available: 1 Insufficient cpu.");
    const described = (await cluster.kubectlOk(["describe", "pod", "greedy"])).stdout;
    expect(described).toContain("FailedScheduling");
    expect((await cluster.getJson<PodJson>(["pod", "greedy"])).status?.phase).toBe("Pending");
    await cluster.kubectlOk(["delete", "pod", "greedy", "--wait=false"]);
  }, 40_000);

  it("pulls from another registry with imagePullSecrets, and not without them", async () => {
    // A second registry with auth on: the node's own identity is good only for the server's.
    const other = await startSkiffServer({ mode: "registry" });
    try {
      const image = `${other.hostPort}/private/busybox:1`;
      await cluster.engine.dockerOk(["tag", cluster.busyboxImage, image]);
      await cluster.engine.dockerOk(["login", "--username", "skiff", "--password-stdin", other.hostPort], {
        input: other.password,
      });
      await cluster.engine.dockerOk(["push", image]);
      await cluster.engine.dockerOk(["rmi", image]);
      await cluster.kubectlOk([
        "create",
        "secret",
        "docker-registry",
        "other-registry",
        `--docker-server=${other.hostPort}`,
        "--docker-username=skiff",
        `--docker-password=${other.password}`,
      ]);
      const pod = (name: string, secret: string) => `
apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  terminationGracePeriodSeconds: 1
  ${secret === "" ? "" : `imagePullSecrets: [{ name: ${secret} }]`}
  containers:
    - name: main
      image: ${image}
      imagePullPolicy: Always
      command: ["sleep", "3600"]
`;
      await cluster.apply(pod("with-secret", "other-registry"));
      await cluster.apply(pod("without-secret", ""));
      await eventually(
        async () =>
          (await cluster.getJson<PodJson>(["pod", "with-secret"])).status?.phase === "Running" || undefined,
        { timeoutMs: 40_000, what: "the pod with the pull secret Running" },
      );
      const refused = await eventually(
        async () => {
          const waiting = (await cluster.getJson<PodJson>(["pod", "without-secret"])).status
            ?.containerStatuses?.[0]?.state?.waiting;
          return waiting?.reason === "ErrImagePull" || waiting?.reason === "ImagePullBackOff"
            ? waiting
            : undefined;
        },
        { timeoutMs: 40_000, what: "ErrImagePull for the pod without the secret" },
      );
      expect(refused.reason).toMatch(/ErrImagePull|ImagePullBackOff/);
    } finally {
      await cluster.kubectl(["delete", "pod", "with-secret", "without-secret", "--wait=false"]);
      await other.stop();
    }
  }, 120_000);

  it("survives kill -9 of the server without restarting a pod, and converges after", async () => {
    const before = await readyPods("app=web", 3);
    const snapshot = new Map(
      before.map((p) => [
        p.metadata.name,
        {
          id: p.status?.containerStatuses?.[0]?.containerID,
          restarts: p.status?.containerStatuses?.[0]?.restartCount,
        },
      ]),
    );
    await cluster.engine.server.kill9();
    await cluster.engine.server.restart();
    await cluster.engine.waitReady();
    await eventually(
      async () => ((await cluster.kubectl(["get", "--raw", "/readyz"])).code === 0 ? true : undefined),
      {
        timeoutMs: 30_000,
        what: "the API after the restart",
      },
    );
    // Give the agent time to look at its containers, then check nothing was restarted.
    await new Promise((r) => setTimeout(r, 5000));
    const after = await readyPods("app=web", 3);
    for (const p of after) {
      const was = snapshot.get(p.metadata.name);
      expect(was, `pod ${p.metadata.name} was replaced`).toBeDefined();
      expect(p.status?.containerStatuses?.[0]?.containerID).toBe(was?.id);
      expect(p.status?.containerStatuses?.[0]?.restartCount).toBe(was?.restarts);
    }
    // The controllers work again: a deleted pod is replaced.
    await cluster.kubectlOk(["delete", "pod", (after[0] as PodJson).metadata.name, "--wait=false"]);
    const replaced = await readyPods("app=web", 3, 40_000);
    expect(replaced.map((p) => p.metadata.name)).not.toContain((after[0] as PodJson).metadata.name);
  }, 120_000);
});
