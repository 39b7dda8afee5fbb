import { describe, expect, it } from "vitest";
import {
  decideRestart,
  restartAtServerStart,
  validateRestartPolicy,
  type RestartInput,
} from "./restart-policy.js";

const base: RestartInput = {
  policy: { Name: "always" },
  exitCode: 1,
  manuallyStopped: false,
  restartCount: 0,
  runMs: 50,
  previousDelayMs: 0,
};

describe("decideRestart", () => {
  it("never restarts with no policy or after a user stop", () => {
    expect(decideRestart({ ...base, policy: { Name: "no" } }).restart).toBe(false);
    expect(decideRestart({ ...base, policy: undefined }).restart).toBe(false);
    expect(decideRestart({ ...base, policy: { Name: "" } }).restart).toBe(false);
    expect(decideRestart({ ...base, manuallyStopped: true }).restart).toBe(false);
    expect(
      decideRestart({ ...base, policy: { Name: "unless-stopped" }, manuallyStopped: true }).restart,
    ).toBe(false);
  });

  it("restarts always and unless-stopped on any exit code", () => {
    expect(decideRestart({ ...base, exitCode: 0 })).toEqual({ restart: true, delayMs: 100 });
    expect(decideRestart({ ...base, policy: { Name: "unless-stopped" }, exitCode: 0 }).restart).toBe(true);
  });

  it("restarts on-failure only for non-zero exits, up to the maximum", () => {
    const p = { Name: "on-failure", MaximumRetryCount: 2 };
    expect(decideRestart({ ...base, policy: p, exitCode: 0 }).restart).toBe(false);
    expect(decideRestart({ ...base, policy: p, restartCount: 0 }).restart).toBe(true);
    expect(decideRestart({ ...base, policy: p, restartCount: 1 }).restart).toBe(true);
    expect(decideRestart({ ...base, policy: p, restartCount: 2 }).restart).toBe(false);
    expect(decideRestart({ ...base, policy: { Name: "on-failure" }, restartCount: 1000 }).restart).toBe(true);
  });

  it("doubles the delay from 100 ms up to a minute, and resets after a 10 s run", () => {
    const delays: number[] = [];
    let previous = 0;
    for (let i = 0; i < 12; i++) {
      const d = decideRestart({ ...base, previousDelayMs: previous });
      delays.push(d.delayMs);
      previous = d.delayMs;
    }
    expect(delays.slice(0, 5)).toEqual([100, 200, 400, 800, 1600]);
    expect(delays.at(-1)).toBe(60_000);
    expect(decideRestart({ ...base, previousDelayMs: 60_000, runMs: 10_000 }).delayMs).toBe(100);
    expect(decideRestart({ ...base, previousDelayMs: 800, runMs: 9_999 }).delayMs).toBe(1600);
  });
});

describe("validateRestartPolicy", () => {
  it("accepts Docker's policies", () => {
    for (const Name of ["", "no", "always", "unless-stopped", "on-failure"])
      expect(() => validateRestartPolicy({ Name })).not.toThrow();
    expect(() => validateRestartPolicy({ Name: "on-failure", MaximumRetryCount: 3 })).not.toThrow();
    expect(() => validateRestartPolicy(undefined)).not.toThrow();
  });

  it("rejects with Docker's messages", () => {
    expect(() => validateRestartPolicy({ Name: "sometimes" })).toThrow(
      "invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'",
    );
    expect(() => validateRestartPolicy({ Name: "always", MaximumRetryCount: 2 })).toThrow(
      "invalid restart policy: maximum retry count can only be used with 'on-failure'",
    );
    expect(() => validateRestartPolicy({ Name: "on-failure", MaximumRetryCount: -1 })).toThrow(
      "invalid restart policy: maximum retry count cannot be negative",
    );
    try {
      validateRestartPolicy({ Name: "x" });
    } catch (err) {
      expect((err as { statusCode: number }).statusCode).toBe(400);
    }
  });
});

describe("restartAtServerStart", () => {
  it("starts always containers, and unless-stopped ones the user did not stop", () => {
    expect(restartAtServerStart({ Name: "always" }, true)).toBe(true);
    expect(restartAtServerStart({ Name: "unless-stopped" }, false)).toBe(true);
    expect(restartAtServerStart({ Name: "unless-stopped" }, true)).toBe(false);
    expect(restartAtServerStart({ Name: "on-failure" }, false)).toBe(false);
    expect(restartAtServerStart({ Name: "no" }, false)).toBe(false);
  });
});
