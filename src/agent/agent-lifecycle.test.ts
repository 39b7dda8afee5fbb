import { afterEach, describe, expect, it } from "vitest";
import type { KubeObject } from "../api/types.js";
import { harness, podSpec, statusOf, until, type Harness } from "./agent.test-util.js";
import { ContainerStartFailure, ImagePullError } from "./pod-runtime.js";

let h: Harness | undefined;
afterEach(async () => h?.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const cs = (p: KubeObject | undefined, i = 0): any =>
  (statusOf(p).containerStatuses as unknown[] | undefined)?.[i];
const cond = (p: KubeObject | undefined, type: string) =>
  (statusOf(p).conditions as { type: string; status: string }[] | undefined)?.find((c) => c.type === type);

async function eventTexts(hh: Harness): Promise<string[]> {
  const list = await hh.client.resource({ apiVersion: "v1", kind: "Event" }).list("default");
  return list.items.map((e) => `${String(e.reason)}: ${String(e.message)}`);
}

describe("pod lifecycle", () => {
  it("adopts running containers after a restart and counts exits that happened while down", async () => {
    h = await harness();
    const hh = h;
    const pod = await hh.create(
      podSpec("adopt", {
        containers: [
          { name: "a", image: "busybox:1.36" },
          { name: "b", image: "busybox:1.36" },
        ],
      }),
    );
    const uid = pod.metadata.uid ?? "";
    await until(async () => statusOf(await hh.pod("adopt")).phase === "Running", "Running");
    const a = hh.runtime.current(uid, "a")!;
    const b = hh.runtime.current(uid, "b")!;
    await hh.agent.close();
    hh.runtime.exit(b.id, 137);
    hh.agent = await hh.startAgent();
    await until(
      () => hh.runtime.current(uid, "b")?.state === "running" && hh.runtime.current(uid, "b")?.attempt === 1,
      "b restarted",
    );
    expect(hh.runtime.current(uid, "a")?.id).toBe(a.id);
    expect(hh.runtime.calls.filter((c) => c.startsWith("start"))).toEqual([
      "start adopt/a#0",
      "start adopt/b#0",
      "start adopt/b#1",
    ]);
    const after = await until(async () => {
      const p = await hh.pod("adopt");
      return cs(p, 1)?.restartCount === 1 && p;
    }, "restartCount");
    expect(cs(after, 0)).toMatchObject({ restartCount: 0, containerID: `skiff://${a.id}` });
    expect(cs(after, 1).lastState.terminated).toMatchObject({ exitCode: 137, reason: "Error" });
  });

  it("deletes gracefully: preStop hook, stop with the deletion's grace, then the pod object goes", async () => {
    h = await harness();
    const hh = h;
    const pod = await hh.create(
      podSpec("bye", {
        terminationGracePeriodSeconds: 20,
        containers: [
          {
            name: "c",
            image: "busybox:1.36",
            lifecycle: { preStop: { exec: { command: ["sh", "-c", "sleep 1"] } } },
          },
        ],
      }),
    );
    const uid = pod.metadata.uid ?? "";
    await until(async () => statusOf(await hh.pod("bye")).phase === "Running", "Running");
    const pods = hh.client.resource({ apiVersion: "v1", kind: "Pod" });
    const marked = await pods.delete("default", "bye", { gracePeriodSeconds: 15 });
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    await until(async () => (await hh.pod("bye")) === undefined, "pod deleted");
    expect(hh.runtime.calls).toEqual(
      expect.arrayContaining([
        "exec c sh -c sleep 1",
        "stop c grace=15",
        `removeSandbox ${uid}`,
        `cleanup ${uid}`,
      ]),
    );
    expect(hh.runtime.calls.indexOf("exec c sh -c sleep 1")).toBeLessThan(
      hh.runtime.calls.indexOf("stop c grace=15"),
    );
    expect(hh.runtime.records.size).toBe(0);
    expect(await eventTexts(hh)).toContain("Killing: Stopping container c");
  });

  it("removes the containers of a pod deleted while the agent was down", async () => {
    h = await harness();
    const hh = h;
    const pod = await hh.create(podSpec("orphan", { containers: [{ name: "c", image: "busybox:1.36" }] }));
    const uid = pod.metadata.uid ?? "";
    await until(async () => statusOf(await hh.pod("orphan")).phase === "Running", "Running");
    await hh.agent.close();
    await hh.client
      .resource({ apiVersion: "v1", kind: "Pod" })
      .delete("default", "orphan", { gracePeriodSeconds: 0 });
    hh.agent = await hh.startAgent();
    await until(() => hh.runtime.records.size === 0 && !hh.runtime.sandboxes.has(uid), "orphan reaped");
  });

  it("reports ErrImagePull, then ImagePullBackOff until the back-off ends", async () => {
    h = await harness();
    const hh = h;
    hh.runtime.pullFailures.set("nope:1", new ImagePullError("ErrImagePull", "pull access denied for nope"));
    await hh.create(podSpec("badimage", { containers: [{ name: "c", image: "nope:1" }] }));
    const p1 = await until(async () => {
      const p = await hh.pod("badimage");
      return cs(p)?.state?.waiting?.reason === "ErrImagePull" && p;
    }, "ErrImagePull");
    expect(cs(p1).state.waiting.message).toBe("pull access denied for nope");
    expect(statusOf(p1).phase).toBe("Pending");
    await hh.clock.advance(1000);
    await until(
      async () => cs(await hh.pod("badimage"))?.state?.waiting?.reason === "ImagePullBackOff",
      "ImagePullBackOff",
    );
    const pulls = () => hh.runtime.calls.filter((c) => c === "pull nope:1").length;
    expect(pulls()).toBe(1);
    hh.runtime.pullFailures.clear();
    await hh.clock.advance(9000);
    await until(async () => statusOf(await hh.pod("badimage")).phase === "Running", "Running after the pull");
    expect(await eventTexts(hh)).toEqual(
      expect.arrayContaining([
        'Failed: Failed to pull image "nope:1": pull access denied for nope',
        "Failed: Error: ErrImagePull",
        'BackOff: Back-off pulling image "nope:1"',
      ]),
    );
  });

  it("reports CreateContainerConfigError and retries", async () => {
    h = await harness();
    const hh = h;
    hh.runtime.startFailures.set(
      "c",
      new ContainerStartFailure("CreateContainerConfigError", 'configmap "cfg" not found'),
    );
    await hh.create(podSpec("nocfg", { containers: [{ name: "c", image: "busybox:1.36" }] }));
    await until(
      async () => cs(await hh.pod("nocfg"))?.state?.waiting?.reason === "CreateContainerConfigError",
      "config error",
    );
    hh.runtime.startFailures.clear();
    await hh.clock.advance(10_000);
    await until(async () => statusOf(await hh.pod("nocfg")).phase === "Running", "Running");
    expect(await eventTexts(hh)).toContain('Failed: Error: configmap "cfg" not found');
  });

  it("probes: readiness gates Ready; liveness failures restart the container", async () => {
    h = await harness();
    const hh = h;
    let healthy = false;
    let alive = true;
    hh.runtime.execHandler = (_id, cmd) => {
      const ok = cmd[0] === "ready" ? healthy : alive;
      return { exitCode: ok ? 0 : 1, output: ok ? "" : "not ok" };
    };
    const pod = await hh.create(
      podSpec("probed", {
        containers: [
          {
            name: "c",
            image: "busybox:1.36",
            readinessProbe: { exec: { command: ["ready"] }, periodSeconds: 5 },
            livenessProbe: { exec: { command: ["live"] }, periodSeconds: 10, failureThreshold: 3 },
          },
        ],
      }),
    );
    const uid = pod.metadata.uid ?? "";
    await until(async () => statusOf(await hh.pod("probed")).phase === "Running", "Running");
    expect(cond(await hh.pod("probed"), "Ready")?.status).toBe("False");
    healthy = true;
    await hh.clock.advance(5000);
    await until(async () => cond(await hh.pod("probed"), "Ready")?.status === "True", "Ready");
    alive = false;
    const first = hh.runtime.current(uid, "c")!.id;
    for (let i = 0; i < 3; i++) await hh.clock.advance(10_000);
    await until(() => hh.runtime.current(uid, "c")?.attempt === 1, "liveness restart");
    expect(hh.runtime.records.get(first)?.exitCode).toBe(143);
    const texts = await eventTexts(hh);
    expect(texts).toContain("Killing: Container c failed liveness probe, will be restarted");
    expect(texts).toContain("Unhealthy: Liveness probe failed: not ok");
    const unhealthy = (
      await hh.client.resource({ apiVersion: "v1", kind: "Event" }).list("default")
    ).items.find((e) => e.reason === "Unhealthy" && String(e.message).startsWith("Liveness"));
    await until(async () => {
      const e = await hh.client
        .resource({ apiVersion: "v1", kind: "Event" })
        .get("default", unhealthy?.metadata.name ?? "");
      return typeof e.count === "number" && e.count >= 3;
    }, "aggregated Unhealthy count");
  });
});
