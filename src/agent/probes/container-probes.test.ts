import { describe, expect, it } from "vitest";
import { FakeClock } from "../clock.test-util.js";
import { FakeRuntime } from "../fake-runtime.test-util.js";
import type { ContainerSpec, ProbeSpec } from "../spec.js";
import { ContainerProbes } from "./container-probes.js";

const probe = (command: string, o: Partial<ProbeSpec> = {}): ProbeSpec => ({
  handler: { kind: "exec", command: [command] },
  initialDelaySeconds: 0,
  periodSeconds: 10,
  timeoutSeconds: 1,
  successThreshold: 1,
  failureThreshold: 3,
  ...o,
});

function setup(c: Partial<ContainerSpec>, answers: Record<string, boolean>) {
  const clock = new FakeClock();
  const runtime = new FakeRuntime(clock);
  runtime.execHandler = (_id, cmd) => ({ exitCode: answers[cmd[0] ?? ""] ? 0 : 1, output: "no" });
  const failures: string[] = [];
  let changes = 0;
  const probes = new ContainerProbes({
    runtime,
    clock,
    container: { name: "c", image: "x", imagePullPolicy: "IfNotPresent", init: false, ports: [], ...c },
    containerId: "id",
    podIP: "127.0.0.1",
    startedAt: clock.now(),
    onChange: () => changes++,
    onFailure: (m) => failures.push(m),
  });
  return { clock, probes, failures, changes: () => changes, runtime };
}

describe("ContainerProbes", () => {
  it("holds liveness and readiness until the startup probe succeeds", async () => {
    const answers = { start: false, live: true, ready: true };
    const s = setup(
      {
        startupProbe: probe("start", { periodSeconds: 1, failureThreshold: 30 }),
        livenessProbe: probe("live"),
        readinessProbe: probe("ready"),
      },
      answers,
    );
    expect(s.probes.started).toBe(false);
    await s.clock.advance(3000);
    expect(s.runtime.calls.filter((c) => c.startsWith("exec c live"))).toHaveLength(0);
    expect(s.probes.ready).toBe(false);
    answers.start = true;
    await s.clock.advance(1000);
    expect(s.probes.started).toBe(true);
    await s.clock.advance(0);
    expect(s.probes.ready).toBe(true);
    expect(s.probes.unhealthy).toBeUndefined();
  });

  it("marks a container unhealthy after failureThreshold liveness failures in a row", async () => {
    const answers = { live: false };
    const s = setup({ livenessProbe: probe("live", { initialDelaySeconds: 5 }) }, answers);
    await s.clock.advance(4000);
    expect(s.failures).toHaveLength(0);
    await s.clock.advance(1000);
    expect(s.failures).toEqual(["Liveness probe failed: no"]);
    await s.clock.advance(10_000);
    expect(s.probes.unhealthy).toBeUndefined();
    await s.clock.advance(10_000);
    expect(s.probes.unhealthy).toBe("liveness");
    const calls = s.runtime.calls.length;
    await s.clock.advance(30_000);
    expect(s.runtime.calls.length).toBe(calls);
  });

  it("a failing startup probe makes the container unhealthy", async () => {
    const s = setup({ startupProbe: probe("start", { periodSeconds: 1, failureThreshold: 2 }) }, {});
    await s.clock.advance(1000);
    expect(s.probes.unhealthy).toBe("startup");
  });

  it("readiness needs successThreshold successes to become ready and failureThreshold failures to stop", async () => {
    const answers = { ready: true };
    const s = setup(
      { readinessProbe: probe("ready", { successThreshold: 2, failureThreshold: 2 }) },
      answers,
    );
    await s.clock.advance(0);
    expect(s.probes.ready).toBe(false);
    await s.clock.advance(10_000);
    expect(s.probes.ready).toBe(true);
    answers.ready = false;
    await s.clock.advance(10_000);
    expect(s.probes.ready).toBe(true);
    await s.clock.advance(10_000);
    expect(s.probes.ready).toBe(false);
    expect(s.probes.unhealthy).toBeUndefined();
  });
});
