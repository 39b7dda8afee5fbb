import { afterEach, describe, expect, it } from "vitest";
import type { KubeObject } from "../api/types.js";
import { harness, podSpec, statusOf, until, type Harness } from "./agent.test-util.js";

let h: Harness | undefined;
afterEach(async () => h?.close());

type Status = {
  phase?: string;
  podIP?: string;
  qosClass?: string;
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
  containerStatuses?: Record<string, never>[];
  initContainerStatuses?: Record<string, never>[];
};
const st = (p: KubeObject | undefined) => statusOf(p) as Status;
const cond = (p: KubeObject | undefined, type: string) => st(p).conditions?.find((c) => c.type === type);
const cs = (p: KubeObject | undefined, i = 0) =>
  st(p).containerStatuses?.[i] as Record<string, any> | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any

async function events(
  hh: Harness,
  reason?: string,
): Promise<{ reason: string; message: string; count: number; type: string }[]> {
  const list = await hh.client.resource({ apiVersion: "v1", kind: "Event" }).list("default");
  return (list.items as unknown as { reason: string; message: string; count: number; type: string }[]).filter(
    (e) => reason === undefined || e.reason === reason,
  );
}

describe("pods on the node", () => {
  it("runs a pod bound to the node and reports it Running and Ready", async () => {
    h = await harness();
    const hh = h;
    await hh.create(podSpec("web", { containers: [{ name: "c", image: "busybox:1.36" }] }));
    const pod = await until(async () => {
      const p = await hh.pod("web");
      return st(p).phase === "Running" && cond(p, "Ready")?.status === "True" && p;
    }, "Running");
    const uid = pod.metadata.uid ?? "";
    const rec = hh.runtime.current(uid, "c");
    expect(cs(pod)).toMatchObject({
      name: "c",
      ready: true,
      started: true,
      restartCount: 0,
      image: "busybox:1.36",
      imageID: rec?.imageID,
      containerID: `skiff://${rec?.id}`,
      lastState: {},
    });
    expect(cs(pod)?.state.running.startedAt).toBeTypeOf("string");
    expect(st(pod)).toMatchObject({ podIP: "10.88.0.2", hostIP: "192.168.1.10", qosClass: "BestEffort" });
    expect(st(pod).conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
      "Initialized=True",
      "Ready=True",
      "ContainersReady=True",
      "PodScheduled=True",
    ]);
    expect(hh.agent.containerIds(uid, "c")).toEqual({ current: rec?.id });
    await until(async () => (await events(hh)).length >= 4, "events");
    const reasons = (await events(hh)).map((e) => `${e.reason}: ${e.message}`);
    expect(reasons).toEqual(
      expect.arrayContaining([
        'Pulling: Pulling image "busybox:1.36"',
        "Created: Created container c",
        "Started: Started container c",
      ]),
    );
  });

  it("ignores pods bound to other nodes (the informer lists only this node's)", async () => {
    h = await harness();
    const hh = h;
    await hh.create(podSpec("elsewhere", { containers: [{ name: "c", image: "busybox:1.36" }] }, "node-2"));
    await hh.create(podSpec("here", { containers: [{ name: "c", image: "busybox:1.36" }] }));
    await until(async () => st(await hh.pod("here")).phase === "Running", "here Running");
    expect(hh.runtime.calls.filter((c) => c.startsWith("sandbox"))).toEqual(["sandbox here"]);
    expect(st(await hh.pod("elsewhere")).phase).toBe("Pending");
  });

  it("restarts a killed container at once, then backs off with CrashLoopBackOff", async () => {
    h = await harness();
    const hh = h;
    const pod = await hh.create(podSpec("crash", { containers: [{ name: "c", image: "busybox:1.36" }] }));
    const uid = pod.metadata.uid ?? "";
    await until(() => hh.runtime.current(uid, "c")?.state === "running", "start");
    const first = hh.runtime.current(uid, "c")!;
    hh.runtime.exit(first.id, 137);
    const restarted = await until(async () => {
      const p = await hh.pod("crash");
      return cs(p)?.restartCount === 1 && cs(p)?.state.running && p;
    }, "restart");
    expect(cs(restarted)?.lastState.terminated).toMatchObject({
      exitCode: 137,
      reason: "Error",
      containerID: `skiff://${first.id}`,
    });
    expect(hh.agent.containerIds(uid, "c")).toEqual({
      current: hh.runtime.current(uid, "c")?.id,
      previous: first.id,
    });

    hh.runtime.exit(hh.runtime.current(uid, "c")!.id, 1);
    const waiting = await until(async () => {
      const p = await hh.pod("crash");
      return cs(p)?.state.waiting?.reason === "CrashLoopBackOff" && p;
    }, "CrashLoopBackOff");
    expect(cs(waiting)?.state.waiting.message).toBe(
      `back-off 10s restarting failed container=c pod=crash_default(${uid})`,
    );
    expect(cs(waiting)?.lastState.terminated).toMatchObject({ exitCode: 1, reason: "Error" });
    expect(st(waiting).phase).toBe("Running");
    expect(cond(waiting, "Ready")).toMatchObject({
      status: "False",
      reason: "ContainersNotReady",
      message: "containers with unready status: [c]",
    });
    await until(async () => (await events(hh, "BackOff")).length === 1, "BackOff event");
    await hh.clock.advance(9_000);
    expect(hh.runtime.current(uid, "c")?.attempt).toBe(1);
    await hh.clock.advance(1_000);
    await until(async () => cs(await hh.pod("crash"))?.restartCount === 2, "second restart");
  });

  it("reports each exit (Error) before the restart or back-off that follows, as the kubelet does", async () => {
    h = await harness();
    const hh = h;
    const pod = await hh.create(podSpec("once", { containers: [{ name: "c", image: "busybox:1.36" }] }));
    const uid = pod.metadata.uid ?? "";
    await until(async () => cs(await hh.pod("once"))?.state.running, "running");
    const seen: string[] = [];
    const abort = new AbortController();
    const pods = hh.client.resource({ apiVersion: "v1", kind: "Pod" });
    const watching = (async () => {
      const events = pods.watch("default", { resourceVersion: "0" }, abort.signal);
      for await (const e of events) {
        const s = cs(e.object);
        if (s)
          seen.push(
            `${s.restartCount} ${Object.keys(s.state ?? {}).join()} ${s.state?.terminated?.reason ?? ""}`,
          );
      }
    })().catch(() => undefined);
    hh.runtime.exit(hh.runtime.current(uid, "c")!.id, 1);
    await until(async () => seen.includes("1 running "), "the restart");
    hh.runtime.exit(hh.runtime.current(uid, "c")!.id, 1);
    await until(async () => seen.includes("1 waiting "), "the back-off");
    abort.abort();
    await watching;
    // Each exit is reported before the restart, or the back-off, that follows it.
    expect(seen.filter((s) => !s.startsWith("0 running"))).toEqual([
      "0 terminated Error",
      "1 running ",
      "1 terminated Error",
      "1 waiting ",
    ]);
  });

  it("runs init containers one at a time, in order, before the app containers", async () => {
    h = await harness();
    const hh = h;
    const pod = await hh.create(
      podSpec("init", {
        initContainers: [
          { name: "i1", image: "busybox:1.36" },
          { name: "i2", image: "busybox:1.36" },
        ],
        containers: [{ name: "app", image: "busybox:1.36" }],
      }),
    );
    const uid = pod.metadata.uid ?? "";
    await until(() => hh.runtime.current(uid, "i1")?.state === "running", "i1");
    const pending = await until(async () => {
      const p = await hh.pod("init");
      return st(p).initContainerStatuses && p;
    }, "status");
    expect(st(pending).phase).toBe("Pending");
    expect(cond(pending, "Initialized")).toMatchObject({
      status: "False",
      reason: "ContainersNotInitialized",
      message: "containers with incomplete status: [i1 i2]",
    });
    expect(cs(pending)?.state.waiting.reason).toBe("PodInitializing");
    expect(hh.runtime.current(uid, "i2")).toBeUndefined();
    hh.runtime.exit(hh.runtime.current(uid, "i1")!.id, 0);
    await until(() => hh.runtime.current(uid, "i2")?.state === "running", "i2");
    expect(hh.runtime.current(uid, "app")).toBeUndefined();
    hh.runtime.exit(hh.runtime.current(uid, "i2")!.id, 0);
    const running = await until(async () => {
      const p = await hh.pod("init");
      return st(p).phase === "Running" && p;
    }, "Running");
    expect(cond(running, "Initialized")?.status).toBe("True");
    expect(st(running).initContainerStatuses?.[1]).toMatchObject({
      state: { terminated: { exitCode: 0, reason: "Completed" } },
    });
    expect(hh.runtime.calls.filter((c) => c.startsWith("start"))).toEqual([
      "start init/i1#0",
      "start init/i2#0",
      "start init/app#0",
    ]);
  });

  it("fails the pod when an init container fails under restartPolicy Never", async () => {
    h = await harness();
    const hh = h;
    const pod = await hh.create(
      podSpec("initfail", {
        restartPolicy: "Never",
        initContainers: [{ name: "i1", image: "busybox:1.36" }],
        containers: [{ name: "app", image: "busybox:1.36" }],
      }),
    );
    const uid = pod.metadata.uid ?? "";
    await until(() => hh.runtime.current(uid, "i1")?.state === "running", "i1");
    hh.runtime.exit(hh.runtime.current(uid, "i1")!.id, 2);
    await until(async () => st(await hh.pod("initfail")).phase === "Failed", "Failed");
    expect(hh.runtime.current(uid, "app")).toBeUndefined();
  });

  it("follows restartPolicy OnFailure and Never to Succeeded and Failed", async () => {
    h = await harness();
    const hh = h;
    const onFailure = await hh.create(
      podSpec("job", { restartPolicy: "OnFailure", containers: [{ name: "c", image: "busybox:1.36" }] }),
    );
    const never = await hh.create(
      podSpec("once", { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1.36" }] }),
    );
    const u1 = onFailure.metadata.uid ?? "";
    const u2 = never.metadata.uid ?? "";
    await until(
      () =>
        hh.runtime.current(u1, "c")?.state === "running" && hh.runtime.current(u2, "c")?.state === "running",
      "both",
    );
    hh.runtime.exit(hh.runtime.current(u1, "c")!.id, 1);
    hh.runtime.exit(hh.runtime.current(u2, "c")!.id, 1);
    await until(
      () => hh.runtime.current(u1, "c")?.attempt === 1 && hh.runtime.current(u1, "c")?.state === "running",
      "OnFailure restart",
    );
    const failed = await until(async () => {
      const p = await hh.pod("once");
      return st(p).phase === "Failed" && p;
    }, "Failed");
    expect(cs(failed)?.state.terminated).toMatchObject({ exitCode: 1, reason: "Error" });
    expect(cond(failed, "Ready")).toMatchObject({ status: "False", reason: "ContainersNotReady" });
    hh.runtime.exit(hh.runtime.current(u1, "c")!.id, 0);
    const done = await until(async () => {
      const p = await hh.pod("job");
      return st(p).phase === "Succeeded" && p;
    }, "Succeeded");
    expect(cond(done, "Ready")).toMatchObject({ status: "False", reason: "PodCompleted" });
    expect(hh.runtime.current(u1, "c")?.attempt).toBe(1);
    await until(() => !hh.runtime.sandboxes.has(u1), "sandbox of a finished pod released");
  });
});
