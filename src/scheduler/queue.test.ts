import { describe, expect, it } from "vitest";
import { pod } from "./fixtures.test-util.js";
import { SchedulingQueue } from "./queue.js";

function setup() {
  let now = 1_000_000;
  const clock = { now: () => new Date(now) };
  const queue = new SchedulingQueue({ clock });
  const signal = new AbortController().signal;
  return {
    queue,
    advance: (ms: number) => (now += ms),
    pop: async () => {
      const next = await queue.pop(signal);
      if (next === undefined) throw new Error("queue closed");
      return next;
    },
  };
}

describe("SchedulingQueue", () => {
  it("pops higher priority first, then the oldest", async () => {
    const { queue, pop, advance } = setup();
    queue.addOrUpdate(pod("low", { priority: 0 }));
    advance(1);
    queue.addOrUpdate(pod("high", { priority: 10 }));
    queue.addOrUpdate(pod("low2", { priority: 0 }));
    expect((await pop()).pod.info.name).toBe("high");
    expect((await pop()).pod.info.name).toBe("low");
    expect((await pop()).pod.info.name).toBe("low2");
  });

  it("waits for a pod when none is active, and answers undefined on abort", async () => {
    const { queue } = setup();
    const abort = new AbortController();
    const waiting = queue.pop(abort.signal);
    queue.addOrUpdate(pod("p"));
    expect((await waiting)?.pod.info.name).toBe("p");
    const closed = queue.pop(abort.signal);
    abort.abort();
    expect(await closed).toBeUndefined();
  });

  it("backs off 1 s doubling to 10 s per attempt", () => {
    const { queue } = setup();
    expect([1, 2, 3, 4, 5, 6].map((a) => queue.backoffMs(a))).toEqual([1000, 2000, 4000, 8000, 10000, 10000]);
  });

  it("retries an errored pod once its back-off is over", async () => {
    const { queue, pop, advance } = setup();
    queue.addOrUpdate(pod("p"));
    const { pod: qp } = await pop();
    queue.retryAfterBackoff(qp.info.key);
    expect(queue.placeOf(qp.info.key)).toBe("backoff");
    advance(999);
    queue.flush();
    expect(queue.placeOf(qp.info.key)).toBe("backoff");
    advance(1);
    queue.flush();
    expect(queue.placeOf(qp.info.key)).toBe("active");
    expect((await pop()).pod.attempts).toBe(2);
  });

  it("parks an unschedulable pod until the cluster changes, respecting its back-off", async () => {
    const { queue, pop, advance } = setup();
    queue.addOrUpdate(pod("p"));
    const { cycle } = await pop();
    queue.unschedulable("default/p", cycle);
    advance(60_000);
    queue.flush();
    expect(queue.placeOf("default/p")).toBe("unschedulable");
    queue.moveAllToActiveOrBackoff();
    expect(queue.placeOf("default/p")).toBe("active");
    const second = await pop();
    queue.unschedulable("default/p", second.cycle);
    queue.moveAllToActiveOrBackoff();
    expect(queue.placeOf("default/p")).toBe("backoff"); // 2 s back-off not over yet
    advance(2000);
    queue.flush();
    expect(queue.placeOf("default/p")).toBe("active");
  });

  it("sends a pod to back-off, not parking, when the cluster changed during its cycle", async () => {
    const { queue, pop } = setup();
    queue.addOrUpdate(pod("p"));
    const { cycle } = await pop();
    queue.moveAllToActiveOrBackoff();
    queue.unschedulable("default/p", cycle);
    expect(queue.placeOf("default/p")).toBe("backoff");
  });

  it("retries a parked pod after 5 minutes without any change", async () => {
    const { queue, pop, advance } = setup();
    queue.addOrUpdate(pod("p"));
    queue.unschedulable("default/p", (await pop()).cycle);
    advance(5 * 60_000);
    queue.flush();
    expect(queue.placeOf("default/p")).toBe("active");
  });

  it("retries a parked pod whose spec changed, but not on a status-only update", async () => {
    const { queue, pop, advance } = setup();
    queue.addOrUpdate(pod("p"));
    queue.unschedulable("default/p", (await pop()).cycle);
    advance(5000);
    queue.addOrUpdate(pod("p", { phase: "Pending" }));
    expect(queue.placeOf("default/p")).toBe("unschedulable");
    queue.addOrUpdate(pod("p", { cpu: "100m" }));
    expect(queue.placeOf("default/p")).toBe("active");
  });

  it("keeps updates of an in-flight pod for its next attempt and forgets deleted pods", async () => {
    const { queue, pop } = setup();
    queue.addOrUpdate(pod("p"));
    const { pod: qp } = await pop();
    queue.addOrUpdate(pod("p", { cpu: "1" }));
    expect(queue.placeOf("default/p")).toBe("inflight");
    expect(qp.info.requests.milliCpu).toBe(1000);
    queue.delete("default/p");
    queue.retryAfterBackoff("default/p");
    expect(queue.size).toBe(0);
    queue.addOrUpdate(pod("q"));
    await pop();
    queue.done("default/q");
    expect(queue.size).toBe(0);
  });
});
