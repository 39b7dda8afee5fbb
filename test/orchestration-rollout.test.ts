// The orchestration commands beyond the basics, with the real kubectl against a one-node Skiff
// cluster: rollout history/pause/resume/restart/undo --to-revision and revisionHistoryLimit,
// Recreate, percentage maxSurge/maxUnavailable, cordon/uncordon and drain through pods/eviction,
// a DaemonSet (rolling update with and without a surge, history, undo), logs -f/-c, exec -i,
// init containers, an OOM kill under limits.memory with the limits visible in the container's
// cgroup, and pod IPs with -o wide.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onLines } from "./support/child.js";
import { eventually, startClusterServer, type ClusterServer } from "./support/cluster-server.js";
import { PodWatch } from "./support/pod-watch.js";
import { requireTool } from "./support/tools.js";
import { isReady, Pods, webDeployment, type PodJson } from "./support/workloads.js";

const haveTools =
  requireTool("docker") &&
  requireTool("runc") &&
  requireTool("conmon") &&
  requireTool("busybox") &&
  requireTool("kubectl");

interface ReplicaSetJson {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { replicas: number };
}

const revisionOf = (rs: ReplicaSetJson): number =>
  Number(rs.metadata.annotations?.["deployment.kubernetes.io/revision"]);

/** The REVISION column of `kubectl rollout history`. */
const revisions = (history: string): number[] => [...history.matchAll(/^(\d+)\s/gm)].map((m) => Number(m[1]));

describe.skipIf(!haveTools)("rollouts, nodes, daemons and pod I/O through kubectl", () => {
  let cluster: ClusterServer;
  let pods: Pods;
  let node: string;

  const kubectlOk = (...args: string[]) => cluster.kubectlOk(args);
  const rolloutStatus = (target: string) =>
    cluster.kubectl(["rollout", "status", target, "--timeout=60s"], { timeoutMs: 70_000 });
  const replicaSets = async (app: string) =>
    (await cluster.getJson<{ items: ReplicaSetJson[] }>(["rs", "-l", `app=${app}`])).items;

  beforeAll(async () => {
    cluster = await startClusterServer();
    pods = new Pods(cluster);
    const nodes = await eventually(
      async () => {
        const list = await cluster.getJson<{ items: { metadata: { name: string } }[] }>(["nodes"]);
        return list.items.length === 1 ? list.items : undefined;
      },
      { timeoutMs: 30_000, what: "the local node" },
    );
    node = nodes[0]?.metadata.name ?? "";
  }, 240_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it("lists rollout history with change causes and shows a revision's template", async () => {
    await cluster.apply(
      webDeployment({
        name: "hist",
        image: cluster.webImage,
        replicas: 2,
        spec: "  revisionHistoryLimit: 2",
      }),
    );
    await kubectlOk("annotate", "deployment/hist", "kubernetes.io/change-cause=first web");
    const done = await rolloutStatus("deployment/hist");
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('deployment "hist" successfully rolled out');
    await kubectlOk("set", "image", "deployment/hist", `web=${cluster.webImageV2}`);
    await kubectlOk("annotate", "--overwrite", "deployment/hist", "kubernetes.io/change-cause=second web");
    expect((await rolloutStatus("deployment/hist")).code).toBe(0);
    const history = (await kubectlOk("rollout", "history", "deployment/hist")).stdout;
    expect(history).toMatch(/^1\s+first web$/m);
    expect(history).toMatch(/^2\s+second web$/m);
    const first = (await kubectlOk("rollout", "history", "deployment/hist", "--revision=1")).stdout;
    expect(first).toContain("with revision #1");
    expect(first).toContain(`Image:\t${cluster.webImage}`);
    const second = (await kubectlOk("rollout", "history", "deployment/hist", "--revision=2")).stdout;
    expect(second).toContain(`Image:\t${cluster.webImageV2}`);
  }, 90_000);

  it("holds a template change while paused and rolls it out on resume", async () => {
    const before = await pods.ready("app=hist", 2);
    await kubectlOk("rollout", "pause", "deployment/hist");
    // Back to the first image, with an env var that makes it a template of its own (set first:
    // an intermediate template equal to revision 1's would renumber it, in Kubernetes too).
    await kubectlOk("set", "env", "deployment/hist", "STAGE=resumed");
    await kubectlOk("set", "image", "deployment/hist", `web=${cluster.webImage}`);
    await new Promise((r) => setTimeout(r, 3000));
    expect((await replicaSets("hist")).length).toBe(2);
    const held = await pods.ready("app=hist", 2);
    expect(held.map((p) => p.metadata.name).sort()).toEqual(before.map((p) => p.metadata.name).sort());
    for (const p of held) expect(p.spec?.containers?.[0]?.image).toBe(cluster.webImageV2);
    const dep = await cluster.getJson<{ status: { conditions: { type: string; reason: string }[] } }>([
      "deployment",
      "hist",
    ]);
    expect(dep.status.conditions.find((c) => c.type === "Progressing")?.reason).toBe("DeploymentPaused");
    const waiting = await cluster.kubectl(["rollout", "status", "deployment/hist", "--timeout=2s"]);
    expect(waiting.code).not.toBe(0);

    await kubectlOk("rollout", "resume", "deployment/hist");
    expect((await rolloutStatus("deployment/hist")).code).toBe(0);
    const after = await pods.ready("app=hist", 2);
    for (const p of after) expect(p.spec?.containers?.[0]?.image).toBe(cluster.webImage);
    const env = (await kubectlOk("exec", after[0]?.metadata.name ?? "", "--", "env")).stdout;
    expect(env).toContain("STAGE=resumed");
    expect(revisions((await kubectlOk("rollout", "history", "deployment/hist")).stdout)).toEqual([1, 2, 3]);
  }, 90_000);

  it("rolls back to a chosen revision with rollout undo --to-revision", async () => {
    await kubectlOk("rollout", "undo", "deployment/hist", "--to-revision=1");
    expect((await rolloutStatus("deployment/hist")).code).toBe(0);
    const back = await pods.ready("app=hist", 2);
    for (const p of back) expect(p.spec?.containers?.[0]?.image).toBe(cluster.webImage);
    const env = (await kubectlOk("exec", back[0]?.metadata.name ?? "", "--", "env")).stdout;
    expect(env).not.toContain("STAGE=");
    // Revision 1's template is now revision 4.
    expect(revisions((await kubectlOk("rollout", "history", "deployment/hist")).stdout)).toEqual([2, 3, 4]);
  }, 90_000);

  it("restarts with new pods marked restartedAt, and prunes beyond revisionHistoryLimit", async () => {
    const before = await pods.ready("app=hist", 2);
    await kubectlOk("rollout", "restart", "deployment/hist");
    expect((await rolloutStatus("deployment/hist")).code).toBe(0);
    const after = await pods.ready("app=hist", 2);
    const old = new Set(before.map((p) => p.metadata.name));
    for (const p of after) {
      expect(old.has(p.metadata.name)).toBe(false);
      expect(p.metadata.annotations?.["kubectl.kubernetes.io/restartedAt"]).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    // Revision 2 is pruned: the new ReplicaSet and revisionHistoryLimit (2) old ones remain.
    const sets = await eventually(
      async () => {
        const items = await replicaSets("hist");
        return items.length === 3 ? items : undefined;
      },
      { timeoutMs: 20_000, what: "3 ReplicaSets of hist" },
    );
    expect(sets.map(revisionOf).sort()).toEqual([3, 4, 5]);
    expect(sets.filter((rs) => rs.spec.replicas > 0).map(revisionOf)).toEqual([5]);
    expect(revisions((await kubectlOk("rollout", "history", "deployment/hist")).stdout)).toEqual([3, 4, 5]);
    await kubectlOk("delete", "deployment/hist", "--wait=false");
  }, 90_000);

  it("Recreate: every old pod has stopped before a new one is created", async () => {
    await cluster.apply(
      webDeployment({ name: "rec", image: cluster.webImage, replicas: 2, strategy: "    type: Recreate" }),
    );
    const old = await pods.ready("app=rec", 2);
    const names = new Set(old.map((p) => p.metadata.name));
    const watch = await PodWatch.start(cluster.env, "app=rec");
    // When the first new pod appears, each old one is gone or finished (k8s oldPodsRunning).
    let runningAtFirstNew: string[] | undefined;
    watch.onEvent((e, state) => {
      if (e.type !== "ADDED" || names.has(e.name) || runningAtFirstNew !== undefined) return;
      runningAtFirstNew = [...state.values()]
        .filter((p) => names.has(p.name) && p.phase !== "Failed" && p.phase !== "Succeeded")
        .map((p) => `${p.name} ${p.phase}`);
    });
    try {
      await kubectlOk("set", "image", "deployment/rec", `web=${cluster.webImageV2}`);
      expect((await rolloutStatus("deployment/rec")).code).toBe(0);
      await pods.ready("app=rec", 2);
    } finally {
      watch.stop();
    }
    expect(runningAtFirstNew).toEqual([]);
    // Their final status was reported before they went: stopped, not Ready.
    const last = watch.events.filter((e) => names.has(e.name) && e.type === "DELETED");
    expect(last.map((e) => [e.phase, e.ready])).toEqual([
      ["Failed", false],
      ["Failed", false],
    ]);
    await kubectlOk("delete", "deployment/rec", "--wait=false");
  }, 90_000);

  it("counts maxSurge up and maxUnavailable down when given as percentages", async () => {
    await cluster.apply(
      webDeployment({
        name: "pct",
        image: cluster.webImage,
        replicas: 4,
        strategy: `    type: RollingUpdate
    rollingUpdate: { maxSurge: "30%", maxUnavailable: "0%" }`,
      }),
    );
    /** Rolls `image` out while watching; answers the most live pods and the fewest Ready ones. */
    const rollTo = async (image: string) => {
      await pods.ready("app=pct", 4);
      const watch = await PodWatch.start(cluster.env, "app=pct");
      let maxLive = 0;
      let minReady = Number.POSITIVE_INFINITY;
      watch.onEvent((_e, state) => {
        const live = [...state.values()].filter((p) => !p.deleting);
        maxLive = Math.max(maxLive, live.length);
        minReady = Math.min(minReady, live.filter((p) => p.ready).length);
      });
      try {
        await kubectlOk("set", "image", "deployment/pct", `web=${image}`);
        expect((await rolloutStatus("deployment/pct")).code).toBe(0);
        const now = await pods.ready("app=pct", 4);
        for (const p of now) expect(p.spec?.containers?.[0]?.image).toBe(image);
      } finally {
        watch.stop();
      }
      return { maxLive, minReady };
    };
    // 30% of 4 is 1.2: maxSurge rounds up to 2, and no pod may be unavailable.
    const surge = await rollTo(cluster.webImageV2);
    expect(surge.maxLive).toBe(6);
    expect(surge.minReady).toBeGreaterThanOrEqual(4);
    // maxUnavailable 30% rounds down to 1; with no surge the rollout must use it.
    await kubectlOk(
      "patch",
      "deployment/pct",
      "-p",
      '{"spec":{"strategy":{"rollingUpdate":{"maxSurge":"0%","maxUnavailable":"30%"}}}}',
    );
    const unavailable = await rollTo(cluster.webImage);
    expect(unavailable.maxLive).toBe(4);
    expect(unavailable.minReady).toBe(3);
    await kubectlOk("delete", "deployment/pct", "--wait=false");
  }, 120_000);

  it("leaves new pods Pending on a cordoned node with Kubernetes' reason; uncordon schedules them", async () => {
    await kubectlOk("cordon", node);
    expect((await kubectlOk("get", "node", node)).stdout).toMatch(/Ready,SchedulingDisabled/);
    await cluster.apply(`
apiVersion: v1
kind: Pod
metadata: { name: cordoned, labels: { app: cordoned } }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - { name: main, image: ${cluster.busyboxImage}, command: ["sleep", "3600"] }
`);
    const condition = await pods.until("cordoned", "PodScheduled=False", (p) => {
      const c = p.status?.conditions?.find((x) => x.type === "PodScheduled");
      return c?.status === "False" ? c : undefined;
    });
    expect(condition.reason).toBe("Unschedulable");
    expect(condition.message).toBe("0/1 nodes are available: 1 node(s) were unschedulable.");
    const events = (await kubectlOk("get", "events", "--field-selector", "involvedObject.name=cordoned"))
      .stdout;
    expect(events).toMatch(
      /FailedScheduling\s+pod\/cordoned\s+0\/1 nodes are available: 1 node\(s\) were unschedulable\./,
    );
    await new Promise((r) => setTimeout(r, 1500));
    const still = await pods.get("cordoned");
    expect(still.status?.phase).toBe("Pending");
    expect(still.spec?.nodeName).toBeUndefined();

    await kubectlOk("uncordon", node);
    const [running] = await pods.ready("app=cordoned", 1, 30_000);
    expect(running?.spec?.nodeName).toBe(node);
    await kubectlOk("delete", "pod", "cordoned", "--wait=false");
  }, 60_000);

  it("runs a DaemonSet pod on the node and rolls a new image without overlapping pods", async () => {
    await cluster.apply(`
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: web
          image: ${cluster.webImage}
          readinessProbe:
            httpGet: { path: /index.html, port: 80 }
            periodSeconds: 1
`);
    const status = await rolloutStatus("ds/agent");
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('daemon set "agent" successfully rolled out');
    const [first] = await pods.ready("app=agent", 1);
    expect(first?.spec?.nodeName).toBe(node);
    expect((await kubectlOk("get", "ds", "agent")).stdout).toMatch(/agent\s+1\s+1\s+1\s+1\s+1\s/);
    const described = (await kubectlOk("describe", "ds", "agent")).stdout;
    expect(described).toMatch(new RegExp(`SuccessfulCreate\\s.*Created pod: ${first?.metadata.name}`));

    const watch = await PodWatch.start(cluster.env, "app=agent");
    let overlap = false;
    watch.onEvent((e, state) => {
      // A new pod may only appear once the old one is gone or has finished (maxSurge 0).
      if (e.type !== "ADDED" || e.name === first?.metadata.name) return;
      const old = state.get(first?.metadata.name ?? "");
      if (old && old.phase !== "Succeeded" && old.phase !== "Failed") overlap = true;
    });
    try {
      await kubectlOk("set", "image", "ds/agent", `web=${cluster.webImageV2}`);
      expect((await rolloutStatus("ds/agent")).code).toBe(0);
      const [second] = await pods.ready("app=agent", 1);
      expect(second?.metadata.name).not.toBe(first?.metadata.name);
      expect(second?.spec?.containers?.[0]?.image).toBe(cluster.webImageV2);
    } finally {
      watch.stop();
    }
    expect(overlap).toBe(false);

    // Its history is ControllerRevisions: listed, shown per revision, and undone.
    expect(revisions((await kubectlOk("rollout", "history", "ds/agent")).stdout)).toEqual([1, 2]);
    const revision1 = (await kubectlOk("rollout", "history", "ds/agent", "--revision=1")).stdout;
    expect(revision1).toContain(`Image:\t${cluster.webImage}`);
    await kubectlOk("rollout", "undo", "ds/agent");
    expect((await rolloutStatus("ds/agent")).code).toBe(0);
    const [third] = await eventually(
      async () => {
        const now = await pods.ready("app=agent", 1);
        return now[0]?.spec?.containers?.[0]?.image === cluster.webImage ? now : undefined;
      },
      { timeoutMs: 30_000, what: "the DaemonSet back on the first image" },
    );
    expect(third?.metadata.name).not.toBe(first?.metadata.name);
    expect(revisions((await kubectlOk("rollout", "history", "ds/agent")).stdout)).toEqual([2, 3]);
  }, 90_000);

  it("surges a DaemonSet with maxSurge: the node keeps a Ready daemon throughout", async () => {
    await kubectlOk(
      "patch",
      "ds/agent",
      "-p",
      '{"spec":{"updateStrategy":{"rollingUpdate":{"maxSurge":1,"maxUnavailable":0}}}}',
    );
    const [old] = await pods.ready("app=agent", 1);
    const watch = await PodWatch.start(cluster.env, "app=agent");
    let maxLive = 0;
    let minReady = Number.POSITIVE_INFINITY;
    watch.onEvent((_e, state) => {
      const live = [...state.values()].filter((p) => !p.deleting);
      maxLive = Math.max(maxLive, live.length);
      minReady = Math.min(minReady, live.filter((p) => p.ready).length);
    });
    try {
      await kubectlOk("set", "image", "ds/agent", `web=${cluster.webImageV2}`);
      expect((await rolloutStatus("ds/agent")).code).toBe(0);
      const [now] = await pods.ready("app=agent", 1);
      expect(now?.metadata.name).not.toBe(old?.metadata.name);
      expect(now?.spec?.containers?.[0]?.image).toBe(cluster.webImageV2);
    } finally {
      watch.stop();
    }
    expect(maxLive).toBe(2);
    expect(minReady).toBe(1);
  }, 60_000);

  it("drains the node through evictions; replacements stay Pending until uncordon", async () => {
    await cluster.apply(`
apiVersion: apps/v1
kind: Deployment
metadata: { name: drained }
spec:
  replicas: 2
  selector: { matchLabels: { app: drained } }
  template:
    metadata: { labels: { app: drained } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: main
          image: ${cluster.busyboxImage}
          command: ["sleep", "3600"]
          volumeMounts: [{ name: scratch, mountPath: /scratch }]
      volumes: [{ name: scratch, emptyDir: {} }]
`);
    const before = await pods.ready("app=drained", 2);
    const [daemon] = await pods.ready("app=agent", 1);
    const watch = await PodWatch.start(cluster.env, "app=drained");
    const drain = await cluster
      .kubectl(["drain", node, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=60s"], {
        timeoutMs: 70_000,
      })
      .finally(() => watch.stop());
    expect(drain.code, drain.stderr).toBe(0);
    // Each went through pods/eviction, which marks the pod before deleting it.
    for (const p of before) {
      const marks = watch.events.filter((e) => e.name === p.metadata.name).map((e) => e.disruption);
      expect(marks).toContain("EvictionByEvictionAPI");
    }
    for (const p of before) {
      expect(drain.stdout).toContain(`evicting pod default/${p.metadata.name}`);
      expect(drain.stdout).toContain(`pod/${p.metadata.name} evicted`);
    }
    expect(drain.stdout).toContain(`node/${node} drained`);
    expect(drain.stderr).toContain(`ignoring DaemonSet-managed Pods: default/${daemon?.metadata.name}`);

    const gone = new Set(before.map((p) => p.metadata.name));
    const replacements = await eventually(
      async () => {
        const now = (await pods.list("app=drained")).filter((p) => !gone.has(p.metadata.name));
        return now.length === 2 ? now : undefined;
      },
      { timeoutMs: 20_000, what: "2 replacement pods" },
    );
    for (const p of replacements) {
      const c = await pods.until(p.metadata.name, "an unschedulable replacement", (x) =>
        x.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False"),
      );
      expect(c.message).toBe("0/1 nodes are available: 1 node(s) were unschedulable.");
    }
    expect((await pods.list("app=drained")).filter((p) => gone.has(p.metadata.name))).toEqual([]);
    // The DaemonSet's pod tolerates the cordon and keeps running.
    expect((await pods.ready("app=agent", 1))[0]?.metadata.name).toBe(daemon?.metadata.name);

    await kubectlOk("uncordon", node);
    const running = await pods.ready("app=drained", 2, 40_000);
    expect(running.map((p) => p.metadata.name).sort()).toEqual(
      replacements.map((p) => p.metadata.name).sort(),
    );
    await kubectlOk("delete", "deployment/drained", "ds/agent", "--wait=false");
  }, 120_000);

  it("runs init containers first, follows logs, picks containers with -c and pipes exec -i", async () => {
    await cluster.apply(`
apiVersion: v1
kind: Pod
metadata: { name: chatty, labels: { app: chatty } }
spec:
  terminationGracePeriodSeconds: 1
  initContainers:
    - name: init
      image: ${cluster.busyboxImage}
      command: ["sh", "-c", "echo init-ran; echo init-done > /work/init"]
      volumeMounts: [{ name: work, mountPath: /work }]
  containers:
    - name: talker
      image: ${cluster.busyboxImage}
      command:
        - sh
        - -c
        - cat /work/init; echo talker-started;
          while true; do if [ -f /tmp/say ]; then cat /tmp/say; rm -f /tmp/say; fi; sleep 0.2; done
      volumeMounts: [{ name: work, mountPath: /work }]
    - name: quiet
      image: ${cluster.busyboxImage}
      command: ["sh", "-c", "echo quiet-started; exec sleep 3600"]
  volumes: [{ name: work, emptyDir: {} }]
`);
    const [pod] = await pods.ready("app=chatty", 1);
    const init = pod?.status?.initContainerStatuses?.[0];
    expect(init?.state?.terminated).toMatchObject({ reason: "Completed", exitCode: 0 });
    expect((await kubectlOk("logs", "chatty", "-c", "init")).stdout).toBe("init-ran\n");
    expect((await kubectlOk("logs", "chatty", "-c", "talker")).stdout).toBe("init-done\ntalker-started\n");
    expect((await kubectlOk("logs", "chatty", "-c", "quiet")).stdout).toBe("quiet-started\n");

    const follow = spawn("kubectl", ["logs", "-f", "chatty", "-c", "talker"], { env: cluster.env });
    try {
      const lines: string[] = [];
      onLines(follow.stdout, (line) => lines.push(line));
      await eventually(async () => lines.includes("talker-started") || undefined, {
        timeoutMs: 10_000,
        what: "the existing log through logs -f",
      });
      await kubectlOk("exec", "chatty", "-c", "talker", "--", "sh", "-c", "echo followed-line > /tmp/say");
      await eventually(async () => lines.includes("followed-line") || undefined, {
        timeoutMs: 10_000,
        what: "a new line through logs -f",
        last: () => lines.join(" / "),
      });
    } finally {
      follow.kill("SIGTERM");
    }

    const piped = await cluster.kubectlOk(
      ["exec", "-i", "chatty", "-c", "quiet", "--", "sh", "-c", 'while read l; do echo "got:$l"; done'],
      { input: "one\ntwo\n" },
    );
    expect(piped.stdout).toBe("got:one\ngot:two\n");
    await kubectlOk("delete", "pod", "chatty", "--wait=false");
  }, 60_000);

  it("shows a failing init container as Init:Error and Init:CrashLoopBackOff", async () => {
    const initPod = (name: string, restartPolicy: string) => `
apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  restartPolicy: ${restartPolicy}
  terminationGracePeriodSeconds: 1
  initContainers:
    - { name: init, image: ${cluster.busyboxImage}, command: ["sh", "-c", "echo init-failing; exit 1"] }
  containers:
    - { name: app, image: ${cluster.busyboxImage}, command: ["sleep", "3600"] }
`;
    const statuses: string[] = [];
    const watch = spawn(
      "kubectl",
      ["get", "pods", "--field-selector", "metadata.name=initloop", "-w", "--no-headers"],
      { env: cluster.env },
    );
    onLines(watch.stdout, (line) => statuses.push(line.trim().split(/\s+/)[2] ?? ""));
    try {
      await new Promise((r) => setTimeout(r, 1000));
      await cluster.apply(initPod("initloop", "Always"));
      await cluster.apply(initPod("initonce", "Never"));
      await eventually(async () => statuses.includes("Init:CrashLoopBackOff") || undefined, {
        timeoutMs: 30_000,
        what: "Init:CrashLoopBackOff",
        last: () => statuses.join(" "),
      });
    } finally {
      watch.kill("SIGTERM");
    }
    // The first failure shows before the restart that leads to the back-off.
    expect(statuses.indexOf("Init:Error")).toBeGreaterThan(-1);
    expect(statuses.indexOf("Init:Error")).toBeLessThan(statuses.indexOf("Init:CrashLoopBackOff"));
    const loop = await pods.get("initloop");
    expect(loop.status?.phase).toBe("Pending");
    expect(loop.status?.initContainerStatuses?.[0]?.restartCount).toBeGreaterThanOrEqual(1);
    expect(loop.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe("PodInitializing");
    expect((await kubectlOk("logs", "initloop", "-c", "init")).stdout).toContain("init-failing");

    const once = await pods.until("initonce", "the Failed phase", (p) =>
      p.status?.phase === "Failed" ? p : undefined,
    );
    expect(once.status?.initContainerStatuses?.[0]?.state?.terminated).toMatchObject({
      reason: "Error",
      exitCode: 1,
    });
    expect((await kubectlOk("get", "pod", "initonce", "--no-headers")).stdout).toMatch(
      /^initonce\s+0\/1\s+Init:Error\s+0\s/,
    );
    await kubectlOk("delete", "pod", "initloop", "initonce", "--wait=false");
  }, 60_000);

  it("OOM-kills a container beyond limits.memory and shows its limits in the container's cgroup", async () => {
    await cluster.apply(`
apiVersion: v1
kind: Pod
metadata: { name: hog, labels: { app: hog } }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: hog
      image: ${cluster.busyboxImage}
      command:
        - sh
        - -c
        # tail keeps all of an endless line in memory; as PID 1 its OOM kill ends the container.
        - while [ ! -f /tmp/go ]; do sleep 0.2; done; exec tail /dev/zero
      resources:
        limits: { memory: 32Mi, cpu: 250m }
`);
    const [pod] = await pods.ready("app=hog", 1);
    expect(pod?.status?.qosClass).toBe("Guaranteed");
    // cgroup v2 shows memory.max and cpu.max; a cgroup v1 host the same limits in its own files.
    const memory = await kubectlOk(
      "exec",
      "hog",
      "--",
      "sh",
      "-c",
      "cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes",
    );
    expect(memory.stdout.trim()).toBe(String(32 * 1024 * 1024));
    const cpu = await kubectlOk(
      "exec",
      "hog",
      "--",
      "sh",
      "-c",
      "cat /sys/fs/cgroup/cpu.max 2>/dev/null || " +
        'echo "$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us) $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)"',
    );
    expect(cpu.stdout.trim()).toBe("25000 100000");

    await kubectlOk("exec", "hog", "--", "touch", "/tmp/go");
    const status = await pods.until("hog", "the OOM kill counted", (p) => {
      const s = p.status?.containerStatuses?.[0];
      return s && s.restartCount >= 1 && s.lastState?.terminated ? s : undefined;
    });
    expect(status.lastState?.terminated).toMatchObject({ reason: "OOMKilled", exitCode: 137 });
    expect((await kubectlOk("get", "pod", "hog", "--no-headers")).stdout).toMatch(
      /^hog\s+\d\/1\s+\S+\s+1 \(/,
    );
    const described = (await kubectlOk("describe", "pod", "hog")).stdout;
    expect(described).toMatch(/Last State:\s+Terminated\s+Reason:\s+OOMKilled/);
    await kubectlOk("delete", "pod", "hog", "--wait=false");
  }, 60_000);

  it("shows pod IPs and nodes with -o wide, and pods reach each other by pod IP", async () => {
    await cluster.apply(webDeployment({ name: "peers", image: cluster.webImage, replicas: 2 }));
    const running = await pods.ready("app=peers", 2);
    const wide = (await kubectlOk("get", "pods", "-l", "app=peers", "-o", "wide", "--no-headers")).stdout;
    for (const p of running) {
      const ip = p.status?.podIP ?? "";
      expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(wide).toMatch(
        new RegExp(
          `^${p.metadata.name}\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+${ip.replaceAll(".", "\\.")}\\s+${node}\\s`,
          "m",
        ),
      );
    }
    const [a, b] = running as [PodJson, PodJson];
    const fetched = await kubectlOk(
      "exec",
      a.metadata.name,
      "--",
      "wget",
      "-qO-",
      `http://${b.status?.podIP}/`,
    );
    expect(fetched.stdout).toBe("web v1\n");
    const back = await kubectlOk("exec", b.metadata.name, "--", "wget", "-qO-", `http://${a.status?.podIP}/`);
    expect(back.stdout).toBe("web v1\n");
    expect(isReady(a) && isReady(b)).toBe(true);
    await kubectlOk("delete", "deployment/peers", "--wait=false");
  }, 60_000);
});
