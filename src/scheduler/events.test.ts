import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { EventRecorder } from "./events.js";
import { FakeCluster } from "./fake-cluster.test-util.js";
import { podObject } from "./fixtures.test-util.js";

function setup(maxPending?: number) {
  const cluster = new FakeCluster();
  const clock = { now: () => new Date("2026-12-07T08:00:00.123Z") };
  const recorder = new EventRecorder({
    events: cluster.events,
    component: "default-scheduler",
    clock,
    logger: pino({ level: "silent" }),
    ...(maxPending !== undefined && { maxPending }),
  });
  return { cluster, recorder };
}

const failed = {
  type: "Warning",
  reason: "FailedScheduling",
  message: "0/1 nodes are available: 1 Insufficient cpu.",
} as const;

describe("EventRecorder", () => {
  it("writes a core/v1 Event about the object", async () => {
    const { cluster, recorder } = setup();
    recorder.record(podObject("web"), failed);
    await recorder.flush();
    const [event] = (await cluster.events.list()).items;
    expect(event?.metadata.name).toMatch(/^web\.[0-9a-f]+$/);
    expect(event).toMatchObject({
      metadata: { namespace: "default" },
      involvedObject: { apiVersion: "v1", kind: "Pod", namespace: "default", name: "web", uid: "uid-web" },
      ...failed,
      source: { component: "default-scheduler" },
      reportingComponent: "default-scheduler",
      count: 1,
      firstTimestamp: "2026-12-07T08:00:00Z",
      lastTimestamp: "2026-12-07T08:00:00Z",
    });
  });

  it("counts repeats on the event already written; a different message is a new event", async () => {
    const { cluster, recorder } = setup();
    recorder.record(podObject("web"), failed);
    recorder.record(podObject("web"), failed);
    recorder.record(podObject("web"), failed);
    recorder.record(podObject("web"), {
      ...failed,
      message: "0/1 nodes are available: 1 Insufficient memory.",
    });
    await recorder.flush();
    const events = (await cluster.events.list()).items;
    expect(events.map((e) => [e["message"], e["count"]])).toEqual([
      [failed.message, 3],
      ["0/1 nodes are available: 1 Insufficient memory.", 1],
    ]);
  });

  it("writes a fresh event when the aggregated one was deleted", async () => {
    const { cluster, recorder } = setup();
    recorder.record(podObject("web"), failed);
    await recorder.flush();
    const [first] = (await cluster.events.list()).items;
    await cluster.events.delete("default", first?.metadata.name ?? "");
    recorder.record(podObject("web"), failed);
    await recorder.flush();
    const events = (await cluster.events.list()).items;
    expect(events).toHaveLength(1);
    expect(events[0]?.["count"]).toBe(2);
  });

  it("drops events while too many writes wait", async () => {
    const { cluster, recorder } = setup(2);
    for (let i = 0; i < 5; i++) recorder.record(podObject(`p${i}`), failed);
    await recorder.flush();
    expect((await cluster.events.list()).items).toHaveLength(2);
  });
});
